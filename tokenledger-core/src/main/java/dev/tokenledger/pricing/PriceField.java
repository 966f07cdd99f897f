package dev.tokenledger.pricing;

import java.util.Optional;

/**
 * A per-token price field of the LiteLLM table that tokenledger uses, with its JSON name, the token
 * kind it prices and its tier.
 */
public enum PriceField {
  INPUT("input_cost_per_token", Kind.INPUT, PriceTier.STANDARD),
  OUTPUT("output_cost_per_token", Kind.OUTPUT, PriceTier.STANDARD),
  CACHE_READ("cache_read_input_token_cost", Kind.CACHE_READ, PriceTier.STANDARD),
  BATCH_INPUT("input_cost_per_token_batches", Kind.INPUT, PriceTier.BATCH),
  BATCH_OUTPUT("output_cost_per_token_batches", Kind.OUTPUT, PriceTier.BATCH),
  FLEX_INPUT("input_cost_per_token_flex", Kind.INPUT, PriceTier.FLEX),
  FLEX_OUTPUT("output_cost_per_token_flex", Kind.OUTPUT, PriceTier.FLEX),
  FLEX_CACHE_READ("cache_read_input_token_cost_flex", Kind.CACHE_READ, PriceTier.FLEX),
  PRIORITY_INPUT("input_cost_per_token_priority", Kind.INPUT, PriceTier.PRIORITY),
  PRIORITY_OUTPUT("output_cost_per_token_priority", Kind.OUTPUT, PriceTier.PRIORITY),
  PRIORITY_CACHE_READ("cache_read_input_token_cost_priority", Kind.CACHE_READ, PriceTier.PRIORITY);

  /** What a price field applies to. */
  public enum Kind {
    /** Uncached input tokens. */
    INPUT,
    /** Cached input tokens. */
    CACHE_READ,
    /** Output tokens, reasoning included. */
    OUTPUT
  }

  private final String jsonName;
  private final Kind kind;
  private final PriceTier tier;

  PriceField(String jsonName, Kind kind, PriceTier tier) {
    this.jsonName = jsonName;
    this.kind = kind;
    this.tier = tier;
  }

  /** The field's name in a LiteLLM file, e.g. {@code cache_read_input_token_cost}. */
  public String jsonName() {
    return jsonName;
  }

  /** The kind of token this field prices. */
  public Kind kind() {
    return kind;
  }

  /** The tier this field belongs to. */
  public PriceTier tier() {
    return tier;
  }

  /** The field for a kind and tier, if the LiteLLM table has one (it has no batch cache read). */
  public static Optional<PriceField> of(Kind kind, PriceTier tier) {
    for (PriceField f : values()) {
      if (f.kind == kind && f.tier == tier) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  static Optional<PriceField> ofJsonName(String name) {
    for (PriceField f : values()) {
      if (f.jsonName.equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
