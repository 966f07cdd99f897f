package dev.tokenledger.sim;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long after a request finished its usage shows up in the Usage API (in simulation time), drawn
 * per request from the simulator's seeded random source. OpenAI's data arrives 5 to 60 minutes
 * late; {@link #typical()} imitates that.
 */
@FunctionalInterface
public interface ReportingDelay {

  /** The delay for one request. */
  Duration next(RandomGenerator random);

  /** Usage is visible as soon as the request finished. */
  static ReportingDelay none() {
    return fixed(Duration.ZERO);
  }

  /** Every request shows up exactly {@code delay} after it finished. */
  static ReportingDelay fixed(Duration delay) {
    requireNonNegative(delay, "delay");
    return new ReportingDelay() {
      @Override
      public Duration next(RandomGenerator random) {
        return delay;
      }

      @Override
      public String toString() {
        return "fixed " + delay;
      }
    };
  }

  /** Uniform between {@code min} and {@code max}, to the second. */
  static ReportingDelay uniform(Duration min, Duration max) {
    requireRange(min, max);
    long span = max.toSeconds() - min.toSeconds();
    return new ReportingDelay() {
      @Override
      public Duration next(RandomGenerator random) {
        return min.plusSeconds(span == 0 ? 0 : random.nextLong(span + 1));
      }

      @Override
      public String toString() {
        return "uniform " + min + ".." + max;
      }
    };
  }

  /**
   * Log-normal with the given median and shape {@code sigma}, clipped to {@code [min, max]}: most
   * requests show up near the median, a few much later.
   */
  static ReportingDelay logNormal(Duration median, double sigma, Duration min, Duration max) {
    requireRange(min, max);
    requireNonNegative(median, "median");
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be a non-negative number, but was " + sigma);
    }
    double mu = Math.log(Math.max(median.toMillis(), 1));
    return new ReportingDelay() {
      @Override
      public Duration next(RandomGenerator random) {
        long millis = Math.round(Math.exp(mu + sigma * random.nextGaussian()));
        long clipped = Math.max(min.toMillis(), Math.min(max.toMillis(), millis));
        return Duration.ofMillis(clipped);
      }

      @Override
      public String toString() {
        return "log-normal median " + median + " sigma " + sigma + " in " + min + ".." + max;
      }
    };
  }

  /** Log-normal around 15 minutes, between 5 and 60 minutes: what OpenAI's delay looks like. */
  static ReportingDelay typical() {
    return logNormal(Duration.ofMinutes(15), 0.6, Duration.ofMinutes(5), Duration.ofMinutes(60));
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " cannot be negative, but was " + d);
    }
  }

  private static void requireRange(Duration min, Duration max) {
    requireNonNegative(min, "min");
    requireNonNegative(max, "max");
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("max (" + max + ") cannot be less than min (" + min + ")");
    }
  }
}
