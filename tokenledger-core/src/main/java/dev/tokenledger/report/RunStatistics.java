package dev.tokenledger.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The figures a paper cites for one group of runs (a framework's cost or tokens per run): n, mean,
 * sample standard deviation, median, min, max, and a 95 % percentile-bootstrap confidence interval
 * of the mean. The bootstrap is seeded, so the same values always give the same interval.
 *
 * @param n how many runs
 * @param mean the arithmetic mean
 * @param standardDeviation the sample standard deviation (n − 1); empty for a single run
 * @param median the middle value (the mean of the two middle ones for an even n)
 * @param min the smallest value
 * @param max the largest value
 * @param ciLow the 2.5th percentile of the bootstrap means
 * @param ciHigh the 97.5th percentile of the bootstrap means
 * @param resamples how many bootstrap resamples were drawn
 * @param seed the seed of the resampling
 */
public record RunStatistics(
    int n,
    BigDecimal mean,
    Optional<BigDecimal> standardDeviation,
    BigDecimal median,
    BigDecimal min,
    BigDecimal max,
    BigDecimal ciLow,
    BigDecimal ciHigh,
    int resamples,
    long seed) {

  /** The resamples drawn unless told otherwise. */
  public static final int DEFAULT_RESAMPLES = 10_000;

  /** The seed used unless told otherwise: the same ledger gives the same interval. */
  public static final long DEFAULT_SEED = 20251027L;

  private static final MathContext MC = MathContext.DECIMAL64;

  public RunStatistics {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(standardDeviation, "standardDeviation");
    Objects.requireNonNull(median, "median");
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(ciLow, "ciLow");
    Objects.requireNonNull(ciHigh, "ciHigh");
    if (n < 1) {
      throw new IllegalArgumentException("statistics need at least one value, got n=" + n);
    }
  }

  /** The statistics of {@code values} with the default seed and resamples. */
  public static RunStatistics of(List<BigDecimal> values) {
    return of(values, DEFAULT_SEED, DEFAULT_RESAMPLES);
  }

  /** The statistics of token counts (or any whole numbers). */
  public static RunStatistics ofCounts(List<Long> values) {
    return of(values.stream().map(BigDecimal::valueOf).toList());
  }

  /**
   * The statistics of {@code values}, bootstrapping the mean with {@code resamples} resamples drawn
   * from a generator seeded with {@code seed}.
   *
   * @throws IllegalArgumentException when there are no values or fewer than 100 resamples
   */
  public static RunStatistics of(List<BigDecimal> values, long seed, int resamples) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("statistics need at least one value, got none");
    }
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be at least 100, was " + resamples);
    }
    BigDecimal[] sorted = values.stream().map(Objects::requireNonNull).toArray(BigDecimal[]::new);
    Arrays.sort(sorted);
    int n = sorted.length;
    BigDecimal count = BigDecimal.valueOf(n);
    BigDecimal sum = BigDecimal.ZERO;
    for (BigDecimal v : sorted) {
      sum = sum.add(v);
    }
    BigDecimal mean = sum.divide(count, MC);
    Optional<BigDecimal> sd = Optional.empty();
    if (n > 1) {
      BigDecimal squares = BigDecimal.ZERO;
      for (BigDecimal v : sorted) {
        BigDecimal d = v.subtract(mean);
        squares = squares.add(d.multiply(d));
      }
      sd = Optional.of(squares.divide(BigDecimal.valueOf(n - 1L), MC).sqrt(MC));
    }
    BigDecimal median =
        n % 2 == 1
            ? sorted[n / 2]
            : sorted[n / 2 - 1].add(sorted[n / 2]).divide(BigDecimal.valueOf(2), MC);

    // Percentile bootstrap of the mean: resample n values with replacement, keep each mean.
    List<BigDecimal> means = bootstrapMeans(sorted, seed, resamples);
    means.sort(null);
    return new RunStatistics(
        n,
        mean,
        sd,
        median,
        sorted[0],
        sorted[n - 1],
        percentile(means, 0.025),
        percentile(means, 0.975),
        resamples,
        seed);
  }

  /**
   * The means of {@code resamples} resamples of {@code values}, as exactly as BigDecimal sums give
   * them: each sum of a resample has the largest scale among its draws (and at least 0, that of the
   * zero it starts from), which the division's result depends on. Summed on the values' unscaled
   * longs at one common scale and divided once per resample; in BigDecimal throughout only when a
   * value or a sum does not fit a long.
   */
  private static List<BigDecimal> bootstrapMeans(BigDecimal[] values, long seed, int resamples) {
    int n = values.length;
    BigDecimal count = BigDecimal.valueOf(n);
    SplittableRandom random = new SplittableRandom(seed);
    List<BigDecimal> means = new ArrayList<>(resamples);
    long[] unscaled = unscaled(values);
    if (unscaled != null) {
      int common = commonScale(values);
      int[] scales = new int[n];
      boolean sameScale = true;
      for (int i = 0; i < n; i++) {
        scales[i] = Math.max(0, values[i].scale());
        sameScale &= scales[i] == common;
      }
      // a sum of n values of at most max |value| each fits a long when n × max does
      long largest = 0;
      for (long u : unscaled) {
        largest = Math.max(largest, Math.abs(u));
      }
      if (largest < Long.MAX_VALUE / n) {
        Draws draws = new Draws(random, n);
        for (int b = 0; b < resamples; b++) {
          long s = 0;
          int scale = 0;
          if (sameScale) {
            for (int i = 0; i < n; i++) {
              s += unscaled[draws.next()];
            }
            scale = common;
          } else {
            for (int i = 0; i < n; i++) {
              int k = draws.next();
              s += unscaled[k];
              scale = Math.max(scale, scales[k]);
            }
          }
          BigDecimal sum = BigDecimal.valueOf(s, common).setScale(scale, RoundingMode.UNNECESSARY);
          means.add(sum.divide(count, MC));
        }
        return means;
      }
    }
    for (int b = 0; b < resamples; b++) {
      BigDecimal s = BigDecimal.ZERO;
      for (int i = 0; i < n; i++) {
        s = s.add(values[random.nextInt(n)]);
      }
      means.add(s.divide(count, MC));
    }
    return means;
  }

  /**
   * {@code random.nextInt(bound)}, draw for draw, without its division: the same rejection of
   * over-represented values ({@code RandomSupport.boundedNextInt}, unchanged since Java 8), with
   * the remainder by a multiplication by the bound's precomputed inverse (Lemire, Kaser and Kurz,
   * "Faster remainder by direct computation", 2019: exact for every 32-bit dividend and divisor).
   */
  static final class Draws {
    private final SplittableRandom random;
    private final int bound;
    private final long inverse;

    Draws(SplittableRandom random, int bound) {
      if (bound < 1) {
        throw new IllegalArgumentException("the bound must be positive, was " + bound);
      }
      this.random = random;
      this.bound = bound;
      this.inverse = Long.divideUnsigned(-1L, bound) + 1;
    }

    int next() {
      int m = bound - 1;
      int r = random.nextInt();
      if ((bound & m) == 0) {
        return r & m;
      }
      for (int u = r >>> 1; u + m - (r = remainder(u)) < 0; u = random.nextInt() >>> 1) {
        // rejected: draw again
      }
      return r;
    }

    /** {@code u % bound} for u ≥ 0: the high word of (inverse × u mod 2⁶⁴) × bound, unsigned. */
    private int remainder(int u) {
      long low = inverse * u;
      return (int) (Math.multiplyHigh(low, bound) + ((low >> 63) & bound));
    }
  }

  /** The largest scale of {@code values}, at least 0. */
  private static int commonScale(BigDecimal[] values) {
    int scale = 0;
    for (BigDecimal v : values) {
      scale = Math.max(scale, v.scale());
    }
    return scale;
  }

  /** The values' unscaled longs at their common scale; null when one does not fit a long. */
  private static long[] unscaled(BigDecimal[] values) {
    int common = commonScale(values);
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      BigDecimal v = values[i].setScale(common, RoundingMode.UNNECESSARY);
      if (v.unscaledValue().bitLength() > 62) {
        return null;
      }
      out[i] = v.unscaledValue().longValue();
    }
    return out;
  }

  /** The q-quantile of sorted values, interpolated linearly between neighbours. */
  private static BigDecimal percentile(List<BigDecimal> sorted, double q) {
    double position = q * (sorted.size() - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.size() - 1);
    BigDecimal fraction = BigDecimal.valueOf(position - below).setScale(6, RoundingMode.HALF_UP);
    BigDecimal low = sorted.get(below);
    return low.add(sorted.get(above).subtract(low).multiply(fraction), MC);
  }
}
