package dev.tokenledger.recording;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Waits until an instant of a clock: the real passage of time, or a test that moves its clock. */
@FunctionalInterface
public interface Sleeper {

  /** Returns once {@code deadline} has passed on the sleeper's clock. */
  void sleepUntil(Instant deadline) throws InterruptedException;

  /** Sleeps in real time until {@code clock} reads {@code deadline} or later. */
  static Sleeper on(Clock clock) {
    return deadline -> {
      Instant now;
      while ((now = clock.instant()).isBefore(deadline)) {
        long ms = Math.min(1000, Duration.between(now, deadline).toMillis() + 1);
        Thread.sleep(ms);
      }
    };
  }
}
