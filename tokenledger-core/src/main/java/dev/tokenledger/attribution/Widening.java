package dev.tokenledger.attribution;

import java.util.Arrays;

/**
 * The settle-lag rule for windows of one key (or the steps of one run): each window's end is pushed
 * out by the lag, because usage is filed in the minute OpenAI finished a request, but never past
 * the start of the next window, nor into the minute in which that next window starts when it starts
 * in a later minute than this window ended. The second limit is what makes fenced windows own their
 * minutes ({@link MinuteFence}); a window is never shortened.
 */
final class Widening {
  private Widening() {}

  /** Effective ends, in epoch milliseconds, of windows {@code [starts[i], ends[i])}. */
  static long[] effectiveEnds(long[] starts, long[] ends, long lagMillis) {
    long[] sortedStarts = Arrays.stream(starts).sorted().distinct().toArray();
    long[] result = new long[starts.length];
    for (int i = 0; i < starts.length; i++) {
      long end = ends[i];
      int after = Arrays.binarySearch(sortedStarts, starts[i]) + 1;
      long limit = Minutes.OPEN;
      if (after < sortedStarts.length) {
        long nextStart = sortedStarts[after];
        long nextMinute = Minutes.floor(nextStart);
        limit = end <= nextMinute ? nextMinute : nextStart;
      }
      result[i] = Math.max(end, Math.min(Minutes.plusSaturated(end, lagMillis), limit));
    }
    return result;
  }
}
