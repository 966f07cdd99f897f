package dev.tokenledger.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RunStatisticsTest {
  /** Cost per run of ten runs, USD: 1.00 … 10.00 (mean 5.5, sample SD √(55/6) = 3.0277). */
  static final List<BigDecimal> ONE_TO_TEN =
      LongStream.rangeClosed(1, 10).mapToObj(BigDecimal::valueOf).toList();

  @Test
  void describesAKnownSample() {
    RunStatistics s = RunStatistics.of(ONE_TO_TEN);

    assertThat(s.n()).isEqualTo(10);
    assertThat(s.mean()).isEqualByComparingTo("5.5");
    assertThat(s.standardDeviation())
        .hasValueSatisfying(
            sd -> assertThat(sd.doubleValue()).isCloseTo(3.0276503540974917, within(1e-12)));
    assertThat(s.median()).isEqualByComparingTo("5.5");
    assertThat(s.min()).isEqualByComparingTo("1");
    assertThat(s.max()).isEqualByComparingTo("10");
  }

  @Test
  void theBootstrapIntervalBracketsTheMeanWithTheWidthTheStandardErrorPredicts() {
    RunStatistics s = RunStatistics.of(ONE_TO_TEN);

    assertThat(s.ciLow()).isLessThan(s.mean());
    assertThat(s.ciHigh()).isGreaterThan(s.mean());
    // Normal theory: 5.5 ± 1.96 × 3.03/√10 = [3.62, 7.38]; the percentile bootstrap of a mean is
    // a little narrower (it divides by n, not n − 1).
    assertThat(s.ciLow().doubleValue()).isBetween(3.5, 4.0);
    assertThat(s.ciHigh().doubleValue()).isBetween(7.0, 7.5);
  }

  @Test
  void theSameValuesAndSeedGiveTheSameIntervalAndAnotherSeedAnother() {
    RunStatistics a = RunStatistics.of(ONE_TO_TEN);
    RunStatistics b =
        RunStatistics.of(
            LongStream.iterate(10, i -> i >= 1, i -> i - 1).mapToObj(BigDecimal::valueOf).toList());
    RunStatistics other = RunStatistics.of(ONE_TO_TEN, 7, RunStatistics.DEFAULT_RESAMPLES);

    assertThat(b.ciLow()).isEqualByComparingTo(a.ciLow());
    assertThat(b.ciHigh()).isEqualByComparingTo(a.ciHigh());
    assertThat(other.ciLow()).isNotEqualByComparingTo(a.ciLow());
    assertThat(a.seed()).isEqualTo(RunStatistics.DEFAULT_SEED);
  }

  @Test
  void moneyStaysExactAndASingleRunHasNoSpread() {
    RunStatistics s = RunStatistics.of(List.of(new BigDecimal("0.0435")));

    assertThat(s.mean()).isEqualByComparingTo("0.0435");
    assertThat(s.standardDeviation()).isEmpty();
    assertThat(s.ciLow()).isEqualByComparingTo("0.0435");
    assertThat(s.ciHigh()).isEqualByComparingTo("0.0435");
  }

  @Test
  void tokenCountsHaveAnEvenMedianBetweenTheMiddleValues() {
    RunStatistics s = RunStatistics.ofCounts(List.of(300L, 100L, 400L, 200L));

    assertThat(s.median()).isEqualByComparingTo("250");
    assertThat(s.mean()).isEqualByComparingTo("250");
  }

  @Test
  void noValuesIsAnError() {
    assertThatThrownBy(() -> RunStatistics.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("statistics need at least one value, got none");
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }

  @Test
  void drawsAreThoseOfSplittableRandomNextInt() {
    int[] bounds = {
      1, 2, 3, 7, 10, 64, 1_000, 3_333, 10_000, 65_537, 1 << 30, (1 << 30) + 1, Integer.MAX_VALUE
    };
    for (int bound : bounds) {
      java.util.SplittableRandom expected = new java.util.SplittableRandom(bound);
      RunStatistics.Draws draws = new RunStatistics.Draws(bound, bound);
      // chunks of several lengths: each fill goes on where the last one stopped
      int drawn = 0;
      for (int length = 1; drawn < 100_000; length = length * 3 + 1) {
        int[] chunk = new int[length];
        draws.fill(chunk);
        for (int i = 0; i < length; i++, drawn++) {
          assertThat(chunk[i])
              .as("bound %d, draw %d", bound, drawn)
              .isEqualTo(expected.nextInt(bound));
        }
      }
    }
  }

  @Test
  void seriesOfOneLengthShareTheirDrawsAndGiveWhatEachGivesAlone() {
    List<BigDecimal> tokens =
        LongStream.range(0, 101).mapToObj(i -> BigDecimal.valueOf(1_000 + i * i % 97)).toList();
    List<BigDecimal> costs =
        LongStream.range(0, 101)
            .mapToObj(
                i ->
                    new BigDecimal(i % 3 == 0 ? "0.5" : "0.00" + (i % 10))
                        .add(BigDecimal.valueOf(i, 4)))
            .toList();
    List<BigDecimal> shorter = costs.subList(0, 57);
    List<RunStatistics> each = RunStatistics.ofEach(List.of(tokens, costs, shorter), 11, 500);
    assertThat(each)
        .containsExactly(
            RunStatistics.of(tokens, 11, 500),
            RunStatistics.of(costs, 11, 500),
            RunStatistics.of(shorter, 11, 500));
    assertThat(RunStatistics.ofEach(List.of(tokens, costs), 11, 500))
        .containsExactly(RunStatistics.of(tokens, 11, 500), RunStatistics.of(costs, 11, 500));
  }

  @Test
  void theBootstrapMeansAreThoseOfAddingTheDrawnValuesAsBigDecimals() {
    SplittableRandom random = new SplittableRandom(5);
    int n = 257;
    BigDecimal[] tokens =
        IntStream.range(0, n)
            .mapToObj(i -> BigDecimal.valueOf(random.nextLong(100_000)))
            .toArray(BigDecimal[]::new);
    // scales 0 to 9 and negative values: a resample's sum has the largest scale it drew
    BigDecimal[] mixed =
        IntStream.range(0, n)
            .mapToObj(
                i -> BigDecimal.valueOf(random.nextLong(-5_000, 1_000_000), random.nextInt(10)))
            .toArray(BigDecimal[]::new);
    // one value of a larger scale than the rest, which some resamples draw and others do not
    BigDecimal[] oneFiner =
        IntStream.range(0, n)
            .mapToObj(i -> BigDecimal.valueOf(random.nextLong(1_000), i == 7 ? 6 : 2))
            .toArray(BigDecimal[]::new);
    // one scale, but so large that different sums round to one mean (16 digits): the means are
    // then made and sorted, not read off the sorted sums
    BigDecimal[] huge =
        IntStream.range(0, n)
            .mapToObj(i -> BigDecimal.valueOf(30_000_000_000_000_000L + i % 3))
            .toArray(BigDecimal[]::new);
    List<BigDecimal[]> series = List.of(tokens, mixed, oneFiner, huge);

    List<List<BigDecimal>> means = RunStatistics.bootstrapMeans(series, 42, 300);

    for (int j = 0; j < series.size(); j++) {
      BigDecimal[] values = series.get(j);
      SplittableRandom draws = new SplittableRandom(42);
      List<BigDecimal> expected = new ArrayList<>();
      for (int b = 0; b < 300; b++) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
          sum = sum.add(values[draws.nextInt(n)]);
        }
        expected.add(sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL64));
      }
      // in ascending order, equal means in draw order (a stable sort)
      expected.sort(null);
      // equals, not compareTo: the same values with the same scales
      assertThat(means.get(j)).as("series %d", j).containsExactlyElementsOf(expected);
    }
  }
}
