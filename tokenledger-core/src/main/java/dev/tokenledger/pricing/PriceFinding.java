package dev.tokenledger.pricing;

import dev.tokenledger.Require;
import java.util.Optional;

/**
 * One price a {@link PriceCheck} finds missing or suspicious, for {@code prices check}.
 *
 * @param model the model name that was checked
 * @param modelKey the table entry its price comes from, if any
 * @param field the price field concerned, if one
 * @param kind what is wrong
 * @param message one line saying what is wrong and what to do
 */
public record PriceFinding(
    String model,
    Optional<String> modelKey,
    Optional<PriceField> field,
    Kind kind,
    String message) {

  /** What a finding is about. */
  public enum Kind {
    /** The model has no price: its usage is UNPRICED. */
    UNPRICED,
    /** A fine-tuned model is priced at its base model's prices. */
    FINE_TUNED_AS_BASE_MODEL,
    /** A price of zero (free models and embedding output excepted). */
    ZERO_PRICE,
    /**
     * A per-token price above {@link PriceTable#IMPLAUSIBLE_PER_TOKEN}: most likely a per-1M price
     * in a per-token field.
     */
    IMPLAUSIBLE_PRICE,
    /** A cache-read price above the input price of the same tier. */
    CACHE_READ_ABOVE_INPUT,
    /**
     * A batch or flex price above the standard one (they are discounts), or a priority price below
     * it or more than {@link PriceCheck#PRIORITY_MAX_RATIO} times it.
     */
    TIER_PRICE_OUT_OF_RANGE
  }

  public PriceFinding {
    Require.nonNull("model modelKey field kind message", model, modelKey, field, kind, message);
  }
}
