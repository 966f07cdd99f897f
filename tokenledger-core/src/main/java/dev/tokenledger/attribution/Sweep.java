package dev.tokenledger.attribution;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds, minute after minute in ascending order, which of a set of windows (sorted by start)
 * overlap the minute; costs time in proportion to minutes plus windows, not their product.
 */
final class Sweep {
  private final long[] starts;
  private final long[] ends;
  private final List<Integer> active = new ArrayList<>();
  private int next;

  Sweep(long[] starts, long[] ends) {
    this.starts = starts;
    this.ends = ends;
  }

  /** Indices, in start order, of the windows overlapping the minute starting at {@code minute}. */
  int[] candidates(long minute) {
    while (next < starts.length && starts[next] < minute + Minutes.MINUTE) {
      active.add(next++);
    }
    active.removeIf(i -> ends[i] <= minute);
    return active.stream()
        .mapToInt(Integer::intValue)
        .filter(i -> Minutes.overlap(starts[i], ends[i], minute) > 0)
        .toArray();
  }

  long overlap(int index, long minute) {
    return Minutes.overlap(starts[index], ends[index], minute);
  }
}
