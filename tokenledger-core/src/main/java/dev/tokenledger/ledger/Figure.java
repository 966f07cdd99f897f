package dev.tokenledger.ledger;

import dev.tokenledger.TokenCounts;

/**
 * A run's or step's total in one attempt.
 *
 * @param stepIndex null for the run, 0 for the run's usage outside every step, else the step
 */
public record Figure(
    Integer stepIndex,
    TokenCounts total,
    boolean apportioned,
    TokenCounts lowerBound,
    TokenCounts upperBound,
    int sharedMinutes) {}
