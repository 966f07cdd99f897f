package dev.tokenledger.pricing;

/** Something a reader of a cost figure should know about how it was priced. */
public enum CostFlag {
  /** The model is not in the price table under any lookup rule: the figure is UNPRICED. */
  MODEL_NOT_FOUND("model not in the price table"),
  /** Cached input was priced at the input price because the table has no cache-read price. */
  CACHE_READ_PRICE_MISSING("no cache-read price: cached input priced as input"),
  /** A batch row was priced (partly) at standard prices because the table has no batch price. */
  BATCH_PRICE_MISSING("no batch price: standard price used"),
  /** A flex row was priced (partly) at standard prices because the table has no flex price. */
  FLEX_PRICE_MISSING("no flex price: standard price used"),
  /** A priority row was priced (partly) at standard prices: the table has no priority price. */
  PRIORITY_PRICE_MISSING("no priority price: standard price used"),
  /** The row's service tier is not one the table prices apart: standard prices were used. */
  UNKNOWN_SERVICE_TIER("unknown service tier: standard price used"),
  /** A fine-tuned model was priced at its base model's prices; fine-tuned usually costs more. */
  FINE_TUNED_PRICED_AS_BASE("fine-tuned model priced as its base model");

  private final String description;

  CostFlag(String description) {
    this.description = description;
  }

  /** A short explanation for tables and warnings. */
  public String description() {
    return description;
  }

  static CostFlag tierPriceMissing(PriceTier tier) {
    return switch (tier) {
      case BATCH -> BATCH_PRICE_MISSING;
      case FLEX -> FLEX_PRICE_MISSING;
      case PRIORITY -> PRIORITY_PRICE_MISSING;
      case STANDARD -> throw new IllegalArgumentException("the standard tier is never missing");
    };
  }
}
