package dev.tokenledger.pricing;

import java.util.Objects;

/** The price table entry found for a model name, and the rule that found it. */
public record PriceMatch(String model, ModelPrice price, LookupRule rule) {
  public PriceMatch {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(price, "price");
    Objects.requireNonNull(rule, "rule");
  }

  /** The table key the price was found under. */
  public String modelKey() {
    return price.key();
  }
}
