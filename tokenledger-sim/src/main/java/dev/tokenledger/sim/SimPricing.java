package dev.tokenledger.sim;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.PriceTable;
import java.math.BigDecimal;
import java.util.Objects;
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
      Objects.requireNonNull(uncachedInput, "uncachedInput");
      Objects.requireNonNull(cachedInput, "cachedInput");
      Objects.requireNonNull(output, "output");
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
   * Prices from tokenledger's own cost calculator (uncached, cached and output prices, batch, flex
   * and priority lists), so billed dollars equal tokenledger's estimate unless a test injects other
   * prices.
   */
  static SimPricing from(CostCalculator calculator) {
    Objects.requireNonNull(calculator, "calculator");
    return (model, batch, tier, t) ->
        calculator
            .cost(model, t, batch, tier)
            .parts()
            .map(p -> new Amounts(p.uncachedInput(), p.cachedInput(), p.output()));
  }

  /** Prices from the LiteLLM price table packaged with tokenledger, loaded on first use. */
  static SimPricing litellm() {
    return (model, batch, tier, t) ->
        from(new CostCalculator(PriceTable.defaultTable())).price(model, batch, tier, t);
  }
}
