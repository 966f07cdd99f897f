package dev.tokenledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The windows a run or a usage query can plausibly have. The organization Usage API starts long
 * after 2020-01-01, so an earlier instant is a unit mistake (seconds for milliseconds, {@code -5}
 * for a missing value); a run recorded as ending days from now, or lasting months, would make
 * reconcile ask for millions of minute buckets.
 */
public final class WindowLimits {
  /** No instant before this is asked for or recorded. */
  public static final Instant EARLIEST = Instant.parse("2020-01-01T00:00:00Z");

  /** How far past now a recorded instant may be: machine clocks differ, but not by days. */
  public static final Duration FUTURE_SLACK = Duration.ofDays(1);

  /** The longest run taken: longer ones are mistakes, or would take thousands of requests. */
  public static final Duration LONGEST_RUN = Duration.ofDays(31);

  private WindowLimits() {}

  /**
   * Why a run's window {@code [start, end)} cannot be right at {@code now}, e.g. "starts at
   * 1970-01-01T00:00:01Z, before 2020-01-01"; empty when it is plausible. {@code end} may be null
   * (a run still open).
   */
  public static Optional<String> implausible(Instant start, Instant end, Instant now) {
    if (start.isBefore(EARLIEST)) {
      return Optional.of("starts at " + start + ", before 2020-01-01 (a wrong timestamp)");
    }
    Instant latest = now.plus(FUTURE_SLACK);
    Instant last = end != null ? end : start;
    if (last.isAfter(latest)) {
      return Optional.of(
          (end != null ? "ends at " : "starts at ") + last + ", more than a day from now");
    }
    if (end != null && Duration.between(start, end).compareTo(LONGEST_RUN) > 0) {
      return Optional.of(
          "lasts "
              + Duration.between(start, end).toDays()
              + " days, longer than 31 days (from "
              + start
              + " to "
              + end
              + ")");
    }
    return Optional.empty();
  }
}
