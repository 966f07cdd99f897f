package dev.tokenledger.attribution;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Minute fencing (docs/design.md §4.4, {@code run exec --fence}): a fenced step or run starts only
 * in a fresh UTC minute in which no earlier window of the same key ended, plus a margin for clock
 * skew. Then it owns all its minutes, and figures from the Usage API alone are exact.
 *
 * <p>The margin counts on both sides: OpenAI files a request in the minute it finished by its own
 * clock, so a request that ended just before the previous window's end may be filed up to the
 * margin later. The fresh minute is therefore the one after the previous end plus the margin.
 */
public final class MinuteFence {
  /** How far into the fresh minute a fenced window starts: 2 seconds. */
  public static final Duration MARGIN = Duration.ofSeconds(2);

  private MinuteFence() {}

  /**
   * The earliest instant at or after {@code now} at which a window of a key may start, given the
   * end of the key's last window ({@code null} when it has none).
   */
  public static Instant earliestStart(Instant lastWindowEnd, Instant now) {
    Objects.requireNonNull(now, "now");
    if (lastWindowEnd == null) {
      return now;
    }
    Instant fence =
        Instant.ofEpochMilli(Minutes.ceil(lastWindowEnd.plus(MARGIN).toEpochMilli())).plus(MARGIN);
    return now.isAfter(fence) ? now : fence;
  }

  /** How long to wait from {@code now} before a fenced window may start; zero if it may now. */
  public static Duration waitBefore(Instant lastWindowEnd, Instant now) {
    return Duration.between(now, earliestStart(lastWindowEnd, now));
  }
}
