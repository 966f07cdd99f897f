package dev.tokenledger.costs;

import dev.tokenledger.Require;

/**
 * Something seen in a key's day that can explain why billed and estimated dollars differ.
 *
 * @param kind what was seen
 * @param subject the model or line item concerned ({@code null} when none)
 * @param message one line for a person
 */
public record CostCause(Kind kind, String subject, String message) {

  /** What a cause is about. */
  public enum Kind {
    /** A model the price table does not know: its usage is missing from the estimate. */
    UNPRICED_MODEL,
    /** A billed rate per token that differs from the price table's. */
    RATE_DIFFERS,
    /** Batch, flex or priority usage: priced from a tier's list, which may be missing or off. */
    TIER_USAGE,
    /** A billed line item with no token usage behind it (images, audio, tools, fine-tuning…). */
    BILLED_WITHOUT_USAGE,
    /** Token usage with nothing billed yet: the Costs API can lag the Usage API. */
    USAGE_NOT_BILLED
  }

  public CostCause {
    Require.nonNull("kind message", kind, message);
  }
}
