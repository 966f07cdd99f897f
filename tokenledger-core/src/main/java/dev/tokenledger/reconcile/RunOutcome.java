package dev.tokenledger.reconcile;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Basis;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.RunRecord;
import java.util.List;

/**
 * Where one run stands after a pass: its status and figures (the latest successful read), whether
 * this pass read it, and the flags a person should see.
 *
 * @param read whether this pass read the run (false: not due yet, final, or held by another
 *     reconciler)
 * @param busy whether another reconciler held the run, so this pass left it alone
 * @param basis how this pass's figure was obtained; null when the run was not read or the read
 *     failed
 * @param sharedWith the runs of the same key this run shared minutes with in this pass's read
 * @param sharedMinutes how many minutes it shared with them
 * @param apportionedSteps how many of its steps got apportioned figures
 * @param unattributedOnKey whether its key had usage outside every recorded run in this pass
 * @param note why the run was not read, when that needs saying (no key id), or null
 * @param audit for a metered run read in this pass, how the Usage API compared with its metered
 *     usage; else null
 */
public record RunOutcome(
    RunRecord run,
    Assessment assessment,
    boolean read,
    boolean busy,
    Basis basis,
    List<String> sharedWith,
    int sharedMinutes,
    int apportionedSteps,
    boolean unattributedOnKey,
    String note,
    Audit audit) {

  /** The outcome of a run that is not metered. */
  public RunOutcome(
      RunRecord run,
      Assessment assessment,
      boolean read,
      boolean busy,
      Basis basis,
      List<String> sharedWith,
      int sharedMinutes,
      int apportionedSteps,
      boolean unattributedOnKey,
      String note) {
    this(
        run,
        assessment,
        read,
        busy,
        basis,
        sharedWith,
        sharedMinutes,
        apportionedSteps,
        unattributedOnKey,
        note,
        null);
  }

  public RunOutcome {
    Require.nonNull("run assessment", run, assessment);
    sharedWith = List.copyOf(sharedWith);
  }

  /** The status to show. */
  public ReconcileStatus status() {
    return assessment.status();
  }

  /**
   * Whether the run cannot move on by itself: final or in warning (which needs a person), and not
   * held by another reconciler.
   */
  public boolean settled() {
    return !busy && (status() == ReconcileStatus.FINAL || status() == ReconcileStatus.WARNING);
  }

  /** The figures to show (the latest successful read), or zero when nothing was read yet. */
  public TokenCounts figures() {
    return assessment.figures() == null ? TokenCounts.ZERO : assessment.figures();
  }

  /** Whether this pass's figure shared a minute with another run of the same key. */
  public boolean shared() {
    return sharedMinutes > 0;
  }
}
