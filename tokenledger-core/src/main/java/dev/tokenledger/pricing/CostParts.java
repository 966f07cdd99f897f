package dev.tokenledger.pricing;

import dev.tokenledger.Require;
import java.math.BigDecimal;

/** The three parts of a priced cost in USD, unrounded: uncached input, cached input, output. */
public record CostParts(BigDecimal uncachedInput, BigDecimal cachedInput, BigDecimal output) {

  /** Nothing spent. */
  public static final CostParts ZERO =
      new CostParts(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

  public CostParts {
    Require.nonNull("uncachedInput cachedInput output", uncachedInput, cachedInput, output);
  }

  /** Uncached plus cached input. */
  public BigDecimal input() {
    return uncachedInput.add(cachedInput);
  }

  /**
   * The sum of the three parts, unrounded. Round this, not the sum of rounded parts: $0.0031 +
   * $0.0114 shown for parts can total $0.0144.
   */
  public BigDecimal total() {
    return uncachedInput.add(cachedInput).add(output);
  }

  /** The part-wise sum. */
  public CostParts plus(CostParts other) {
    return new CostParts(
        uncachedInput.add(other.uncachedInput),
        cachedInput.add(other.cachedInput),
        output.add(other.output));
  }
}
