package dev.tokenledger.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Usage aggregated per endpoint, minute and dimension combination (project, user, key, model, tier,
 * batch, …): what was served, what the Usage API shows, and what it will show later. Each cell
 * keeps the counts already visible and a short list of pending slices, each with the instant it
 * becomes visible; a query moves due slices into the visible counts. Published counts never
 * disappear, even if the clock is set back.
 */
final class UsageStore {

  /** One minute of one dimension combination. */
  static final class Cell {
    final long minute;
    final Object[] dims;
    final long[] served;
    final long[] visible;
    private List<Slice> pending;

    Cell(long minute, Object[] dims, int counters) {
      this.minute = minute;
      this.dims = dims;
      this.served = new long[counters];
      this.visible = new long[counters];
    }

    void publishDue(long nowMillis) {
      if (pending == null) {
        return;
      }
      for (Iterator<Slice> it = pending.iterator(); it.hasNext(); ) {
        Slice s = it.next();
        if (s.visibleAtMillis <= nowMillis) {
          addInto(visible, s.counts);
          it.remove();
        }
      }
      if (pending.isEmpty()) {
        pending = null;
      }
    }
  }

  private record Slice(long visibleAtMillis, long[] counts) {}

  /** A copy of a cell's counts at one moment. */
  record Snapshot(long minute, Object[] dims, long[] counts) {}

  private final Map<UsageEndpoint, NavigableMap<Long, Map<List<Object>, Cell>>> data =
      new EnumMap<>(UsageEndpoint.class);

  /**
   * Files {@code reported} counts that become visible at {@code visibleAt}; {@code served} (may be
   * null) is added to the ground truth of what the model endpoints served.
   */
  synchronized void add(
      UsageEndpoint endpoint,
      long minute,
      Object[] dims,
      long[] served,
      long[] reported,
      Instant visibleAt) {
    Cell cell =
        data.computeIfAbsent(endpoint, e -> new TreeMap<>())
            .computeIfAbsent(minute, m -> new HashMap<>())
            .computeIfAbsent(
                Arrays.asList(dims.clone()),
                k -> new Cell(minute, dims.clone(), endpoint.counters().size()));
    if (served != null) {
      addInto(cell.served, served);
    }
    if (reported != null) {
      if (cell.pending == null) {
        cell.pending = new ArrayList<>(2);
      }
      cell.pending.add(new Slice(visibleAt.toEpochMilli(), reported.clone()));
    }
  }

  /**
   * The visible counts of every cell whose minute overlaps {@code [fromSecond, toSecond)}, as of
   * {@code now}; cells with nothing visible are left out.
   */
  synchronized List<Snapshot> visible(
      UsageEndpoint endpoint, long fromSecond, long toSecond, Instant now) {
    NavigableMap<Long, Map<List<Object>, Cell>> minutes = data.get(endpoint);
    List<Snapshot> out = new ArrayList<>();
    if (minutes == null || toSecond <= fromSecond) {
      return out;
    }
    long nowMillis = now.toEpochMilli();
    long first = Math.floorDiv(fromSecond, 60) * 60;
    for (Map<List<Object>, Cell> cells : minutes.subMap(first, true, toSecond, false).values()) {
      for (Cell c : cells.values()) {
        c.publishDue(nowMillis);
        if (!isZero(c.visible)) {
          out.add(new Snapshot(c.minute, c.dims, c.visible.clone()));
        }
      }
    }
    return out;
  }

  /** What the model endpoints (and recorded batch usage) served, per cell. */
  synchronized List<Snapshot> served(UsageEndpoint endpoint) {
    NavigableMap<Long, Map<List<Object>, Cell>> minutes = data.get(endpoint);
    List<Snapshot> out = new ArrayList<>();
    if (minutes == null) {
      return out;
    }
    for (Map<List<Object>, Cell> cells : minutes.values()) {
      for (Cell c : cells.values()) {
        if (!isZero(c.served)) {
          out.add(new Snapshot(c.minute, c.dims, c.served.clone()));
        }
      }
    }
    return out;
  }

  /** The dimension combinations filed in {@code minute}, in a stable order. */
  synchronized List<Object[]> dimsAt(UsageEndpoint endpoint, long minute) {
    NavigableMap<Long, Map<List<Object>, Cell>> minutes = data.get(endpoint);
    List<Object[]> out = new ArrayList<>();
    if (minutes != null && minutes.containsKey(minute)) {
      for (Cell c : minutes.get(minute).values()) {
        out.add(c.dims.clone());
      }
      out.sort(UsageStore::compareDims);
    }
    return out;
  }

  static int compareDims(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      String x = a[i] == null ? "" : a[i].toString();
      String y = b[i] == null ? "" : b[i].toString();
      int c = x.compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  static void addInto(long[] target, long[] add) {
    for (int i = 0; i < target.length; i++) {
      target[i] += add[i];
    }
  }

  static boolean isZero(long[] counts) {
    for (long c : counts) {
      if (c != 0) {
        return false;
      }
    }
    return true;
  }
}
