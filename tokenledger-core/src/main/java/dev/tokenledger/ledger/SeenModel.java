package dev.tokenledger.ledger;

import dev.tokenledger.Require;

/**
 * A model name the ledger has seen, and how much of it it holds: what {@code prices check} shows
 * for a model without a price, so the user sees what is at stake. The counts of different sources
 * overlap (reconciled runs are made of usage rows) and are never added up.
 *
 * @param model the name as recorded
 * @param usage usage rows the Usage API returned (each query's newest read counted once) and their
 *     tokens
 * @param reconciled runs whose latest reconciled figures include the model, and those tokens
 * @param unattributed rows of a key's usage outside every run (newest read of each query)
 * @param local locally recorded responses (a metering proxy, a hook, an import) and their tokens
 * @param hintedRuns runs recorded with this model as their model hint
 */
public record SeenModel(
    String model, Tally usage, Tally reconciled, Tally unattributed, Tally local, long hintedRuns) {

  /** A count (rows, runs or responses) and the input plus output tokens they hold. */
  public record Tally(long count, long tokens) {
    /** Nothing seen. */
    public static final Tally NONE = new Tally(0, 0);
  }

  public SeenModel {
    Require.nonNull(
        "model usage reconciled unattributed local", model, usage, reconciled, unattributed, local);
  }
}
