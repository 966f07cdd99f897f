package dev.tokenledger.recording;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Minute fencing (DESIGN.md §4.4): a window of a key starts only in a fresh UTC minute, plus a
 * margin, in which no earlier window of the same key ended. The Usage API files usage by minute, so
 * every fenced step then owns its minutes and its figures are exact.
 */
public final class MinuteFence {
  /** Slack for the difference between this machine's clock and OpenAI's. */
  public static final Duration MARGIN = Duration.ofSeconds(2);

  private MinuteFence() {}

  /**
   * The earliest instant, {@code now} or later, at which a window may start after a window of the
   * same key that ended at {@code lastWindowEnd} (null: none has).
   */
  public static Instant earliestStart(Instant now, Instant lastWindowEnd) {
    if (lastWindowEnd == null) {
      return now;
    }
    // The earlier window's last usage may be filed up to MARGIN later than it ended here.
    Instant lastMinute = lastWindowEnd.plus(MARGIN).truncatedTo(ChronoUnit.MINUTES);
    Instant earliest = lastMinute.plus(Duration.ofMinutes(1)).plus(MARGIN);
    return now.isBefore(earliest) ? earliest : now;
  }
}
