package dev.tokenledger.sim;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * How the simulator's Costs API prices usage: the dollars for the uncached input, cached input and
 * output of one model's tokens in one tier. An unpriced model (empty) gets no cost lines.
 */
@FunctionalInterface
public interface SimPricing {

  /**
   * The amounts in USD for {@code tokens} of {@code model}, or empty when the model has no price.
   *
   * @param model the model snapshot as the Usage API reports it
   * @param batch whether the usage came from the Batch API
   * @param serviceTier {@code default}, {@code flex}, {@code priority} or {@code scale}
   * @param tokens input (including cached), cached input, output
   */
  Optional<Amounts> price(String model, boolean batch, String serviceTier, TokenCounts tokens);

  /** Dollars for the three kinds of tokens. */
  record Amounts(BigDecimal uncachedInput, BigDecimal cachedInput, BigDecimal output) {
    public Amounts {
      Require.nonNull("uncachedInput cachedInput output", uncachedInput, cachedInput, output);
    }
  }

  /** One price per million tokens for every model, tier and batch flag: handy in tests. */
  static SimPricing flat(
      BigDecimal inputPerMillion, BigDecimal cachedInputPerMillion, BigDecimal outputPerMillion) {
    BigDecimal million = BigDecimal.valueOf(1_000_000);
    return (model, batch, tier, t) ->
        Optional.of(
            new Amounts(
                inputPerMillion.multiply(BigDecimal.valueOf(t.uncachedInput())).divide(million),
                cachedInputPerMillion.multiply(BigDecimal.valueOf(t.cachedInput())).divide(million),
                outputPerMillion.multiply(BigDecimal.valueOf(t.output())).divide(million)));
  }

  /**
   * The simulator's own list of OpenAI's public prices ({@link SimPriceList}): standard, cached,
   * batch, flex and priority prices of the models it serves.
   */
  static SimPricing listPrices() {
    return SimPriceList.INSTANCE;
  }
}
