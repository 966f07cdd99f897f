package dev.tokenledger.sim;

import dev.tokenledger.TokenCounts;
import java.math.BigDecimal;
import java.util.Map;
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
   * A small built-in table (USD per million tokens, standard tier, from LiteLLM's price table) for
   * the default models; batch and flex usage is billed at half price, as OpenAI bills them;
   * priority at the standard price. Dated names fall back to their alias.
   */
  static SimPricing builtIn() {
    Map<String, double[]> perMillion =
        Map.ofEntries(
            Map.entry("gpt-4o-mini", new double[] {0.15, 0.075, 0.6}),
            Map.entry("gpt-4o", new double[] {2.5, 1.25, 10}),
            Map.entry("gpt-4.1", new double[] {2, 0.5, 8}),
            Map.entry("gpt-4.1-mini", new double[] {0.4, 0.1, 1.6}),
            Map.entry("gpt-4.1-nano", new double[] {0.1, 0.025, 0.4}),
            Map.entry("o3-mini", new double[] {1.1, 0.55, 4.4}),
            Map.entry("o3", new double[] {2, 0.5, 8}),
            Map.entry("o4-mini", new double[] {1.1, 0.275, 4.4}),
            Map.entry("gpt-5", new double[] {1.25, 0.125, 10}),
            Map.entry("gpt-5-mini", new double[] {0.25, 0.025, 2}),
            Map.entry("gpt-5-nano", new double[] {0.05, 0.005, 0.4}),
            Map.entry("text-embedding-3-small", new double[] {0.02, 0.02, 0}),
            Map.entry("text-embedding-3-large", new double[] {0.13, 0.13, 0}),
            Map.entry("text-embedding-ada-002", new double[] {0.1, 0.1, 0}));
    BigDecimal million = BigDecimal.valueOf(1_000_000);
    return (model, batch, tier, t) -> {
      double[] p = perMillion.get(model);
      if (p == null) {
        p = perMillion.get(model.replaceFirst("-\\d{4}-\\d{2}-\\d{2}$", ""));
      }
      if (p == null) {
        return Optional.empty();
      }
      BigDecimal factor = batch || "flex".equals(tier) ? new BigDecimal("0.5") : BigDecimal.ONE;
      BigDecimal[] perToken = new BigDecimal[3];
      for (int i = 0; i < 3; i++) {
        perToken[i] = BigDecimal.valueOf(p[i]).multiply(factor).divide(million);
      }
      return Optional.of(
          new Amounts(
              perToken[0].multiply(BigDecimal.valueOf(t.uncachedInput())),
              perToken[1].multiply(BigDecimal.valueOf(t.cachedInput())),
              perToken[2].multiply(BigDecimal.valueOf(t.output()))));
    };
  }
}
