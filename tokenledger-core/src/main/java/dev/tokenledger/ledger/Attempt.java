package dev.tokenledger.ledger;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.ReconcileStatus;
import java.time.Instant;

/**
 * One stored settle attempt of a run.
 *
 * @param counts the run's figures, null when the attempt failed
 * @param status the status stored with it
 * @param error why it failed, or null
 * @param audit for a metered run, how the Usage API's {@code counts} compared with the metered
 *     usage of the same minutes ({@code audited}, {@code unmetered}, {@code api_below}); else null
 * @param metered for a metered run, the metered usage of the minutes audited; else null
 */
public record Attempt(
    long id,
    String runId,
    Instant attemptedAt,
    TokenCounts counts,
    ReconcileStatus status,
    String error,
    int stableReads,
    String audit,
    TokenCounts metered) {}
