package dev.tokenledger.report;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.MeteredFigures;
import dev.tokenledger.pricing.CostTotal;
import java.util.List;

/** The smallest part of a report: a run, a step of it or a model's line of either. */
record ReportPiece(
    List<String> key,
    String runId,
    StepIndex step,
    Facts facts,
    TokenCounts tokens,
    CostTotal cost,
    boolean apportioned,
    TokenCounts lower,
    TokenCounts upper) {

  /** What a run brings to every piece of it: its standing and what its metering adds. */
  record Facts(
      RunStatus status,
      boolean isFinal,
      boolean metered,
      TokenCounts unmetered,
      MeteredFigures figures) {
    static Facts of(ReconcileStatus reconcileStatus) {
      RunStatus status = RunStatus.of(reconcileStatus);
      return new Facts(status, status == RunStatus.FINAL, false, TokenCounts.ZERO, null);
    }

    static Facts of(MeteredRun m) {
      return new Facts(m.status(), m.isFinal(), true, m.unmetered(), m.figures());
    }

    /** Requests of unknown usage in the run (step null) or one of its steps. */
    long usageUnknown(StepIndex step) {
      if (figures == null) {
        return 0;
      }
      return step == null
          ? figures.run().usageUnknown()
          : figures.step(step).map(MeteredFigures.Part::usageUnknown).orElse(0L);
    }
  }
}
