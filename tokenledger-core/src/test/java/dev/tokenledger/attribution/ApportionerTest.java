package dev.tokenledger.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.TokenCounts;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApportionerTest {

  @Test
  void splitsInProportionAndHandsTheRemainderToTheLargestFractions() {
    assertThat(Apportioner.split(10, new long[] {1, 1, 1})).containsExactly(4, 3, 3);
    assertThat(Apportioner.split(100, new long[] {40_000, 20_000})).containsExactly(67, 33);
    assertThat(Apportioner.split(7, new long[] {0, 5, 0})).containsExactly(0, 7, 0);
    assertThat(Apportioner.split(0, new long[] {3, 4})).containsExactly(0, 0);
  }

  @Test
  void largeCountersAndWeightsDoNotOverflow() {
    long[] parts =
        Apportioner.split(Long.MAX_VALUE / 2, new long[] {Long.MAX_VALUE / 4, Long.MAX_VALUE / 4});

    assertThat(parts[0] + parts[1]).isEqualTo(Long.MAX_VALUE / 2);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void partsAlwaysAddUpAndStayWithinOneOfTheirQuota(long seed) {
    Random random = new Random(seed);
    for (int trial = 0; trial < 500; trial++) {
      long total = random.nextInt(1_000_000);
      long[] weights = new long[1 + random.nextInt(6)];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = random.nextInt(4) == 0 ? 0 : random.nextInt(60_000);
      }
      weights[random.nextInt(weights.length)] += 1;
      long weightSum = Arrays.stream(weights).sum();

      long[] parts = Apportioner.split(total, weights);

      assertThat(Arrays.stream(parts).sum()).isEqualTo(total);
      for (int i = 0; i < parts.length; i++) {
        double quota = (double) total * weights[i] / weightSum;
        assertThat((double) parts[i]).isBetween(Math.floor(quota) - 1e-6, Math.ceil(quota) + 1e-6);
      }
    }
  }

  @Test
  void countersWithoutPreferredWeightsFallBackToTheFallback() {
    TokenCounts total = new TokenCounts(100, 40, 10, 2);
    long[][] local = {{60, 0}, {0, 0}, {5, 5}, {1, 1}}; // no cached input seen locally

    TokenCounts[] parts = Apportioner.split(total, new long[] {1, 3}, local);

    assertThat(parts).containsExactly(new TokenCounts(70, 10, 5, 1), new TokenCounts(30, 30, 5, 1));
  }

  @Test
  void allZeroWeightsAreRefused() {
    assertThatThrownBy(() -> Apportioner.split(5, new long[] {0, 0}))
        .hasMessageContaining("at least one weight must be positive");
  }
}
