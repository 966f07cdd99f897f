package dev.tokenledger.attribution;

import java.time.Instant;

/** Whole-minute arithmetic on epoch milliseconds; {@link #OPEN} stands for a window with no end. */
final class Minutes {
  static final long MINUTE = 60_000L;
  static final long OPEN = Long.MAX_VALUE;

  private Minutes() {}

  static long floor(long epochMillis) {
    return Math.floorDiv(epochMillis, MINUTE) * MINUTE;
  }

  static long ceil(long epochMillis) {
    long f = floor(epochMillis);
    return f == epochMillis ? f : f + MINUTE;
  }

  static long millis(Instant instant) {
    return instant == null ? OPEN : instant.toEpochMilli();
  }

  static long plusSaturated(long epochMillis, long amount) {
    long sum = epochMillis + amount;
    return ((epochMillis ^ sum) & (amount ^ sum)) < 0 ? OPEN : sum;
  }

  /** Milliseconds of {@code [start, end)} inside the minute that starts at {@code minute}. */
  static long overlap(long start, long end, long minute) {
    return Math.max(0, Math.min(end, minute + MINUTE) - Math.max(start, minute));
  }

  static boolean isWholeMinute(Instant instant) {
    return instant.getNano() == 0 && Math.floorMod(instant.getEpochSecond(), 60L) == 0;
  }
}
