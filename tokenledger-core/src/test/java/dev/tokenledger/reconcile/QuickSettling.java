package dev.tokenledger.reconcile;

import java.time.Duration;

/**
 * Settle settings for tests whose simulated reporting delay is a few minutes: a 10-minute min-age
 * is then safe, and keeps their timelines short. The default (1 h) is tested in RunSettlerTest.
 */
public final class QuickSettling {
  /** 10 minutes, 3 reads, 5 minutes. */
  public static final ReconcileSettings SETTINGS =
      new ReconcileSettings(Duration.ofMinutes(10), 3, Duration.ofMinutes(5));

  private QuickSettling() {}
}
