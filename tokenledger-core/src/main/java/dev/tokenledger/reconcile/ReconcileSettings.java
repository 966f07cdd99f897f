package dev.tokenledger.reconcile;

import dev.tokenledger.Require;
import java.time.Duration;

/**
 * The knobs of settling: {@code minAge} (a run younger than this stays pending; default 1 h,
 * OpenAI's worst reporting delay: with less, usage still on its way can settle as too little),
 * {@code stableReads} (identical reads needed for final; default 3) and {@code interval} (how far
 * apart identical reads must be to count, and how often a run is read; default 5 min).
 */
public record ReconcileSettings(Duration minAge, int stableReads, Duration interval) {

  /** 1 hour, 3 reads, 5 minutes. */
  public static final ReconcileSettings DEFAULTS =
      new ReconcileSettings(Duration.ofMinutes(60), 3, Duration.ofMinutes(5));

  public ReconcileSettings {
    Require.nonNull("minAge interval", minAge, interval);
    if (minAge.isNegative()) {
      throw new IllegalArgumentException("min-age cannot be negative, got " + minAge);
    }
    if (stableReads < 1) {
      throw new IllegalArgumentException("stable-reads cannot be less than 1, got " + stableReads);
    }
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval cannot be negative, got " + interval);
    }
  }
}
