package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Splits integer counters in proportion to weights without losing or inventing a token
 * (largest-remainder method; equal remainders go to the lower index, so the result is
 * deterministic).
 */
final class Apportioner {
  /** Up to this many leftover units are handed out by selection, more by a sort. */
  private static final int SELECT_AT_MOST = 16;

  private Apportioner() {}

  /** Parts of {@code total}, one per weight, summing to {@code total}. */
  static long[] split(long total, long[] weights) {
    long weightSum = 0;
    for (long w : weights) {
      if (w < 0) {
        throw new IllegalArgumentException(
            "weights cannot be negative: " + Arrays.toString(weights));
      }
      weightSum = Math.addExact(weightSum, w);
    }
    if (weightSum == 0) {
      throw new IllegalArgumentException("at least one weight must be positive");
    }
    long[] parts = new long[weights.length];
    long[] remainders = new long[weights.length];
    long leftover = total;
    for (int i = 0; i < weights.length; i++) {
      long product = total * weights[i];
      if (Math.multiplyHigh(total, weights[i]) == (product >> 63)) {
        // the product fits a long: / and % truncate as BigInteger's divideAndRemainder does
        parts[i] = product / weightSum;
        remainders[i] = product % weightSum;
      } else {
        BigInteger[] qr =
            BigInteger.valueOf(total)
                .multiply(BigInteger.valueOf(weights[i]))
                .divideAndRemainder(BigInteger.valueOf(weightSum));
        parts[i] = qr[0].longValueExact();
        remainders[i] = qr[1].longValueExact();
      }
      leftover -= parts[i];
    }
    // leftover < number of weights with a positive remainder, so one pass hands it all out
    if (leftover <= SELECT_AT_MOST) {
      for (int k = 0; k < leftover; k++) {
        parts[largestRemainder(remainders)]++;
      }
    } else {
      int[] order =
          IntStream.range(0, weights.length)
              .boxed()
              .sorted(Comparator.<Integer>comparingLong(i -> remainders[i]).reversed())
              .mapToInt(Integer::intValue)
              .toArray();
      for (int k = 0; k < leftover; k++) {
        parts[order[k]]++;
      }
    }
    return parts;
  }

  /**
   * The index of the largest remainder, the lowest index among equals, marked taken ({@code
   * Long.MIN_VALUE}) so the next call gives the next: the order a stable sort by decreasing
   * remainder gives.
   */
  private static int largestRemainder(long[] remainders) {
    int best = 0;
    for (int i = 1; i < remainders.length; i++) {
      if (remainders[i] > remainders[best]) {
        best = i;
      }
    }
    remainders[best] = Long.MIN_VALUE;
    return best;
  }

  /**
   * Splits {@code total} counter by counter. Each counter uses its {@code preferred} weights
   * (indexed uncached input, cached input, output, requests; may be {@code null}) when they are not
   * all zero, else {@code fallback}. Uncached and cached input are split separately, so every part
   * keeps cached input within input.
   */
  static TokenCounts[] split(TokenCounts total, long[] fallback, long[][] preferred) {
    long[] counters = {
      total.uncachedInput(), total.cachedInput(), total.output(), total.requests()
    };
    long[][] parts = new long[4][];
    for (int c = 0; c < 4; c++) {
      long[] weights =
          preferred != null && Arrays.stream(preferred[c]).anyMatch(w -> w > 0)
              ? preferred[c]
              : fallback;
      parts[c] = split(counters[c], weights);
    }
    TokenCounts[] result = new TokenCounts[fallback.length];
    for (int i = 0; i < fallback.length; i++) {
      result[i] = new TokenCounts(parts[0][i] + parts[1][i], parts[1][i], parts[2][i], parts[3][i]);
    }
    return result;
  }
}
