package dev.tokenledger.reconcile;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.ReconcileStatus;
import java.time.Instant;

/**
 * A run's standing after its reads: the status and the figures to show with it.
 *
 * @param status the status to show and store
 * @param settledStatus the status the successful reads alone give; equals {@code status} except
 *     under {@link ReconcileStatus#ERROR}, where it is the status the failed read left standing
 * @param figures the latest successful read's counters, or {@code null} if none succeeded
 * @param figuresReadAt when those figures were read, or {@code null}
 * @param change the latest successful read minus the one before it (all of it for a first read)
 * @param identicalReads how many of the latest identical reads count towards stability (spaced at
 *     least the interval apart)
 * @param warning why the run is in warning, or {@code null}
 * @param lastError the error of the last read when it failed, or {@code null}
 */
public record Assessment(
    ReconcileStatus status,
    ReconcileStatus settledStatus,
    TokenCounts figures,
    Instant figuresReadAt,
    CountsDelta change,
    int identicalReads,
    ReconcileWarning warning,
    String lastError) {

  public Assessment {
    Require.nonNull("status settledStatus change", status, settledStatus, change);
  }
}
