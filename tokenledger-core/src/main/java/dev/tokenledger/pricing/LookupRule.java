package dev.tokenledger.pricing;

/**
 * How a model name was found in the price table (docs/design.md §6), in the order the rules are
 * tried.
 */
public enum LookupRule {
  /** The name is a key of the table. */
  EXACT,
  /**
   * The name without its snapshot date ({@code gpt-4o-mini-2024-07-18} → {@code gpt-4o-mini}, or
   * {@code gpt-3.5-turbo-0125} → {@code gpt-3.5-turbo}).
   */
  WITHOUT_DATE_SUFFIX,
  /**
   * A fine-tuned model ({@code ft:BASE:org::id}) priced by the table's fine-tuning entry {@code
   * ft:BASE} (or {@code ft:} plus BASE without its date).
   */
  FINE_TUNED,
  /**
   * A fine-tuned model priced by its base model (BASE, or BASE without its date) because the table
   * has no {@code ft:} entry for it; fine-tuned inference usually costs more, so this is flagged.
   */
  FINE_TUNED_AS_BASE_MODEL
}
