package dev.tokenledger.openai;

import dev.tokenledger.Require;
import java.time.Duration;

/**
 * How a request is retried on connection errors, 408, 409, 429 and 5xx: at most {@code maxAttempts}
 * attempts, exponential backoff from {@code initialBackoff} capped at {@code maxBackoff} with full
 * jitter (a server's {@code Retry-After} wins), and no retry that would end after {@code deadline}
 * from the first attempt, measured on the client's clock.
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration deadline) {

  /** 6 attempts, 0.5 s initial backoff, 30 s cap, 3 min deadline: patient enough for a CLI. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(3));

  /** One attempt, no retry. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(3));

  public RetryPolicy {
    Require.nonNull("initialBackoff maxBackoff deadline", initialBackoff, maxBackoff, deadline);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts cannot be less than 1, was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be positive, was " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff ("
              + maxBackoff
              + ") cannot be less than initialBackoff ("
              + initialBackoff
              + ")");
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
  }

  public RetryPolicy withMaxAttempts(int maxAttempts) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, deadline);
  }

  public RetryPolicy withInitialBackoff(Duration initialBackoff) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, deadline);
  }

  public RetryPolicy withMaxBackoff(Duration maxBackoff) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, deadline);
  }

  public RetryPolicy withDeadline(Duration deadline) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, deadline);
  }

  /**
   * The largest backoff before retry number {@code retry} (1 for the first retry): {@code
   * initialBackoff × 2^(retry−1)}, capped at {@code maxBackoff}. The wait is a uniform draw below
   * it.
   */
  public Duration backoffCeiling(int retry) {
    long initial = initialBackoff.toNanos();
    int shift = Math.min(Math.max(retry - 1, 0), 40);
    long ceiling = initial > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : initial << shift;
    return Duration.ofNanos(Math.min(ceiling, maxBackoff.toNanos()));
  }
}
