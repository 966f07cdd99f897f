package dev.tokenledger.pricing;

import dev.tokenledger.Require;

/** The price table entry found for a model name, and the rule that found it. */
public record PriceMatch(String model, ModelPrice price, LookupRule rule) {
  public PriceMatch {
    Require.nonNull("model price rule", model, price, rule);
  }

  /** The table key the price was found under. */
  public String modelKey() {
    return price.key();
  }
}
