package dev.tokenledger.reconcile;

import dev.tokenledger.Require;
import dev.tokenledger.figures.ReconcileStatus;
import java.time.Instant;

/**
 * Why a run is in {@link ReconcileStatus#WARNING}: which kind of disagreement, the read that raised
 * it, and the delta to show beside the figures.
 *
 * @param delta for a decrease, the drop from the read before ({@code after − before}); for a
 *     mismatch, the API's figures minus the local counts; for a change after final, the read minus
 *     the figures the run was final with; for a metered run, the API's figures minus the metered
 *     usage of the same minutes
 */
public record ReconcileWarning(Kind kind, Instant readAt, CountsDelta delta) {

  /** The kinds of warning. */
  public enum Kind {
    /** A read returned less than the read before it on some counter. */
    DECREASE,
    /** After settling, the API's figures differ from the locally recorded counts. */
    LOCAL_MISMATCH,
    /**
     * A read after the run was final (the read once more, or a forced one) differs from the figures
     * it was final with: usage was reported later than min-age allowed for.
     */
    CHANGED_AFTER_FINAL,
    /** After settling, the API shows less than was metered in a metered run's minutes. */
    API_BELOW_METERED
  }

  public ReconcileWarning {
    Require.nonNull("kind readAt delta", kind, readAt, delta);
  }
}
