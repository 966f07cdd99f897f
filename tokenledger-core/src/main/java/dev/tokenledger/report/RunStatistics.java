package dev.tokenledger.report;

import dev.tokenledger.Require;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.AbstractList;
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
    Require.nonNull("mean standardDeviation median", mean, standardDeviation, median);
    Require.nonNull("min max ciLow ciHigh", min, max, ciLow, ciHigh);
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
    return ofEach(List.of(values), seed, resamples).get(0);
  }

  /**
   * The statistics of each of {@code series}, as {@link #of(List, long, int)} gives them one by
   * one. Series of one length share their draws (the same seed draws the same indices): a
   * framework's tokens and costs per run cost one bootstrap, not two.
   */
  public static List<RunStatistics> ofEach(
      List<List<BigDecimal>> series, long seed, int resamples) {
    if (resamples < 100) {
      throw new IllegalArgumentException("resamples must be at least 100, was " + resamples);
    }
    List<BigDecimal[]> sorted = new ArrayList<>();
    for (List<BigDecimal> values : series) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("statistics need at least one value, got none");
      }
      BigDecimal[] s = values.stream().map(Objects::requireNonNull).toArray(BigDecimal[]::new);
      Arrays.sort(s);
      sorted.add(s);
    }
    boolean oneLength = sorted.stream().mapToInt(s -> s.length).distinct().count() == 1;
    List<List<BigDecimal>> means = oneLength ? bootstrapMeans(sorted, seed, resamples) : null;
    List<RunStatistics> out = new ArrayList<>();
    for (int j = 0; j < sorted.size(); j++) {
      List<BigDecimal> m =
          means != null
              ? means.get(j)
              : bootstrapMeans(List.<BigDecimal[]>of(sorted.get(j)), seed, resamples).get(0);
      out.add(summary(sorted.get(j), m, seed, resamples));
    }
    return out;
  }

  /** The statistics of sorted values whose bootstrap gave {@code means}, in ascending order. */
  private static RunStatistics summary(
      BigDecimal[] sorted, List<BigDecimal> means, long seed, int resamples) {
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
   * Percentile bootstrap of the mean: the means of {@code resamples} resamples (n values drawn with
   * replacement) of each series, all of length n, drawing the indices once for all, in ascending
   * order (equal means in the order they were drawn, as a stable sort leaves them). As exact as
   * BigDecimal sums give them: each sum of a resample has the largest scale among its draws (and at
   * least 0, that of the zero it starts from), which the division's result depends on. Summed on
   * the values' unscaled longs at one common scale and divided once per resample; in BigDecimal
   * throughout only when a value or a sum does not fit a long.
   */
  static List<List<BigDecimal>> bootstrapMeans(
      List<BigDecimal[]> series, long seed, int resamples) {
    int n = series.get(0).length;
    int m = series.size();
    long[][] unscaled = new long[m][];
    int[][] scales = new int[m][];
    int[] common = new int[m];
    for (int j = 0; j < m; j++) {
      BigDecimal[] values = series.get(j);
      common[j] = commonScale(values);
      unscaled[j] = unscaled(values);
      // a sum of n values of at most max |value| each fits a long when n × max does
      long largest = 0;
      for (long u : unscaled[j] == null ? new long[0] : unscaled[j]) {
        largest = Math.max(largest, Math.abs(u));
      }
      if (unscaled[j] == null || largest >= Long.MAX_VALUE / n) {
        return m == 1
            ? List.of(bigBootstrap(values, seed, resamples))
            : oneByOne(series, seed, resamples);
      }
      scales[j] = scales(values, common[j]);
    }
    BigDecimal count = BigDecimal.valueOf(n);
    Draws draws = new Draws(seed, n);
    // the means of a series whose values have one scale follow from its sums alone
    long[][] sumsOf = new long[m][];
    List<List<BigDecimal>> means = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      if (scales[j] == null) {
        sumsOf[j] = new long[resamples];
      }
      means.add(new ArrayList<>(scales[j] == null ? 0 : resamples));
    }
    // one resample's indices, drawn once and summed per series in a loop of its own; two series
    // (a framework's tokens and costs) in one loop, which reads each index once
    int[] drawn = new int[n];
    long[] sums = new long[m];
    for (int b = 0; b < resamples; b++) {
      draws.fill(drawn);
      if (m == 2) {
        long[] first = unscaled[0];
        long[] second = unscaled[1];
        long a = 0;
        long z = 0;
        for (int k : drawn) {
          a += first[k];
          z += second[k];
        }
        sums[0] = a;
        sums[1] = z;
      } else {
        for (int j = 0; j < m; j++) {
          long[] values = unscaled[j];
          long sum = 0;
          for (int k : drawn) {
            sum += values[k];
          }
          sums[j] = sum;
        }
      }
      for (int j = 0; j < m; j++) {
        if (sumsOf[j] != null) {
          sumsOf[j][b] = sums[j];
          continue;
        }
        BigDecimal exact =
            BigDecimal.valueOf(sums[j], common[j])
                .setScale(scale(scales[j], common[j], drawn), RoundingMode.UNNECESSARY);
        means.get(j).add(exact.divide(count, MC));
      }
    }
    for (int j = 0; j < m; j++) {
      if (sumsOf[j] != null) {
        means.set(j, new SortedMeans(sumsOf[j], common[j], count));
      } else {
        means.get(j).sort(null);
      }
    }
    return means;
  }

  /**
   * A series' bootstrap means in ascending order, from its resamples' sums, when every value has
   * the same scale (then so has every sum): the sums sorted as longs, and a mean divided out only
   * when it is asked for, as the bootstrap did for every resample. Dividing by n keeps the order,
   * so the i-th mean is the i-th sum's; the exception, two different sums whose means are equal
   * after rounding (their scales may differ, and a stable sort leaves them in draw order), is seen
   * at the asked position and answered by making and sorting every mean.
   */
  private static final class SortedMeans extends AbstractList<BigDecimal> {
    private final long[] drawOrder;
    private final long[] sorted;
    private final int scale;
    private final BigDecimal count;
    private List<BigDecimal> made;

    SortedMeans(long[] sums, int scale, BigDecimal count) {
      this.drawOrder = sums;
      this.sorted = sums.clone();
      Arrays.sort(sorted);
      this.scale = scale;
      this.count = count;
    }

    private BigDecimal mean(long sum) {
      return BigDecimal.valueOf(sum, scale)
          .setScale(scale, RoundingMode.UNNECESSARY)
          .divide(count, MC);
    }

    @Override
    public BigDecimal get(int i) {
      if (made != null) {
        return made.get(i);
      }
      BigDecimal mean = mean(sorted[i]);
      int below = i;
      while (below > 0 && sorted[below - 1] == sorted[i]) {
        below--;
      }
      int above = i;
      while (above < sorted.length - 1 && sorted[above + 1] == sorted[i]) {
        above++;
      }
      if ((below > 0 && mean(sorted[below - 1]).compareTo(mean) == 0)
          || (above < sorted.length - 1 && mean(sorted[above + 1]).compareTo(mean) == 0)) {
        List<BigDecimal> all = new ArrayList<>(drawOrder.length);
        for (long sum : drawOrder) {
          all.add(mean(sum));
        }
        all.sort(null);
        made = all;
        return made.get(i);
      }
      return mean;
    }

    @Override
    public int size() {
      return sorted.length;
    }
  }

  private static List<List<BigDecimal>> oneByOne(
      List<BigDecimal[]> series, long seed, int resamples) {
    List<List<BigDecimal>> out = new ArrayList<>();
    for (BigDecimal[] values : series) {
      out.add(bootstrapMeans(List.<BigDecimal[]>of(values), seed, resamples).get(0));
    }
    return out;
  }

  /** The bootstrap in BigDecimal throughout, for values or sums beyond a long. */
  private static List<BigDecimal> bigBootstrap(BigDecimal[] values, long seed, int resamples) {
    int n = values.length;
    BigDecimal count = BigDecimal.valueOf(n);
    SplittableRandom random = new SplittableRandom(seed);
    List<BigDecimal> means = new ArrayList<>(resamples);
    for (int b = 0; b < resamples; b++) {
      BigDecimal s = BigDecimal.ZERO;
      for (int i = 0; i < n; i++) {
        s = s.add(values[random.nextInt(n)]);
      }
      means.add(s.divide(count, MC));
    }
    means.sort(null);
    return means;
  }

  /**
   * {@code new SplittableRandom(seed).nextInt(bound)}, draw for draw, written out so that a draw is
   * no call even where the JIT inlines little (the launcher runs C1 only): the generator's state in
   * a local ({@code SplittableRandom}'s golden gamma and {@code mix32}, unchanged since Java 8),
   * the same rejection of over-represented values ({@code RandomSupport.boundedNextInt}), and the
   * remainder's quotient by a multiplication with the bound's precomputed reciprocal instead of a
   * division (Granlund and Montgomery, "Division by invariant integers using multiplication", 1994,
   * theorem 4.2: with l = ⌈log₂ bound⌉ and magic = ⌈2^(31+l) / bound⌉, u × magic fits a long and
   * its top bits are ⌊u / bound⌋ for every u below 2³¹). One plain multiply: no {@code
   * Math.multiplyHigh}, which C1 calls rather than inlines.
   */
  static final class Draws {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long seed;
    private final int bound;
    private final long magic;
    private final int shift;

    Draws(long seed, int bound) {
      if (bound < 1) {
        throw new IllegalArgumentException("the bound must be positive, was " + bound);
      }
      this.seed = seed;
      this.bound = bound;
      this.shift = 31 + 32 - Integer.numberOfLeadingZeros(bound - 1);
      this.magic = ((1L << shift) + bound - 1) / bound;
    }

    /** Fills {@code into} with the next draws. */
    void fill(int[] into) {
      long s = seed;
      int n = bound;
      int m = n - 1;
      long mg = magic;
      int sh = shift;
      if ((n & m) == 0) {
        // a power of two: the low bits, never rejected
        for (int i = 0; i < into.length; i++) {
          s += GOLDEN_GAMMA;
          into[i] = mix32(s) & m;
        }
        seed = s;
        return;
      }
      for (int i = 0; i < into.length; i++) {
        s += GOLDEN_GAMMA;
        int r = mix32(s);
        int u = r >>> 1;
        while (u + m - (r = u - (int) ((u * mg) >>> sh) * n) < 0) {
          // rejected: draw again
          s += GOLDEN_GAMMA;
          u = mix32(s) >>> 1;
        }
        into[i] = r;
      }
      seed = s;
    }

    /** {@code SplittableRandom.mix32}. */
    private static int mix32(long z) {
      z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
      return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }
  }

  /**
   * Each value's scale, at least 0 (that of the zero a sum starts from); null when every value has
   * the {@code common} one, which is then every resample's.
   */
  private static int[] scales(BigDecimal[] values, int common) {
    int[] out = new int[values.length];
    boolean uniform = true;
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.max(0, values[i].scale());
      uniform &= out[i] == common;
    }
    return uniform ? null : out;
  }

  /** The scale of a resample's sum: the largest among its draws'. */
  private static int scale(int[] scales, int common, int[] drawn) {
    if (scales == null) {
      return common;
    }
    int scale = 0;
    for (int k : drawn) {
      scale = Math.max(scale, scales[k]);
    }
    return scale;
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
