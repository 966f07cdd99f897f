package dev.tokenledger.reconcile;

import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.openai.OpenAiException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one reconcile pass: every run it looked at, the unattributed usage it found, what
 * it cost, and the first API error it ran into (the runs it could not read keep their previous
 * figures and status).
 *
 * @param apiError the first error a read ran into, or null when every read succeeded
 */
public record PassReport(
    String passId,
    Instant at,
    List<RunOutcome> runs,
    List<UnattributedUsage> unattributed,
    PassStats stats,
    OpenAiException apiError) {

  public PassReport {
    Objects.requireNonNull(passId, "passId");
    Objects.requireNonNull(at, "at");
    runs = List.copyOf(runs);
    unattributed = List.copyOf(unattributed);
    Objects.requireNonNull(stats, "stats");
  }

  /** How many runs have {@code status}. */
  public long count(ReconcileStatus status) {
    return runs.stream().filter(r -> r.status() == status).count();
  }

  /**
   * Whether no run can move on by itself: every run is final or in warning (which needs a person),
   * and none is held by another reconciler.
   */
  public boolean settled() {
    return runs.stream().allMatch(RunOutcome::settled);
  }
}
