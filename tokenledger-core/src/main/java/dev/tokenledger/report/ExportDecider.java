package dev.tokenledger.report;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.Attempt;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.ProvenanceStore.Reconciliation;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.pricing.CostStatus;
import dev.tokenledger.reconcile.Audit;
import dev.tokenledger.report.GenaiDevbenchExport.Verification;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What {@link GenaiDevbenchExport} may say of one run: figures with a verification status, or only
 * a status and a message that says why there are none and what to do.
 */
final class ExportDecider {
  private final Ledger ledger;
  private final ReportBuilder builder;

  ExportDecider(Ledger ledger, ReportBuilder builder) {
    this.ledger = ledger;
    this.builder = builder;
  }

  /** What the ledger lets export say of {@code run}. */
  RunExport decide(RunRecord run) {
    if (run.metered()) {
      return decideMetered(run);
    }
    Reconciliation r = ledger.provenanceStore().reconciliation(run.id()).orElse(null);
    Instant end = run.effectiveEnd();
    if (end != null && !end.isAfter(run.startedAt())) {
      return new RunExport(
          Verification.DATA_NOT_AVAILABLE,
          "tokenledger: no usage can be counted for this run: its record gives it no time"
              + " window (no end_timestamp and no step timestamps at import)",
          null);
    }
    if (r == null || r.figuresFrom() == null) {
      Attempt latest = r == null ? null : r.latest();
      if (run.apiKeyId() == null) {
        return new RunExport(
            Verification.DATA_NOT_AVAILABLE,
            "tokenledger: no usage can be read for this run: it was imported without its"
                + " framework key id (OPENAI_API_KEY_"
                + run.framework().toUpperCase(Locale.ROOT)
                + "_ID held no key_… id then), and its usage is found in the Usage API by that"
                + " key; set it and import again to reconcile the run",
            null);
      }
      if (latest != null && ReadFailure.isTransient(latest.error())) {
        return new RunExport(
            Verification.PENDING,
            "tokenledger: waiting for the Usage API: the last read, "
                + failed(latest)
                + ", which usually passes; run 'tokenledger reconcile' again, then export again",
            null);
      }
      if (latest != null && latest.error() != null) {
        return new RunExport(
            Verification.DATA_NOT_AVAILABLE,
            "tokenledger: no usage figures: the last Usage API read, "
                + failed(latest)
                + " and no read has succeeded; fix that, run 'tokenledger reconcile', then"
                + " export again",
            null);
      }
      return new RunExport(
          Verification.PENDING,
          "tokenledger: waiting for the Usage API: no read of this run has succeeded yet"
              + " (reconcile status "
              + run.reconcileStatus().label()
              + "); run 'tokenledger reconcile --watch', then export again",
          null);
    }
    PricedRun priced =
        builder
            .priced(run)
            .orElseThrow(() -> new IllegalStateException("run " + run.id() + " lost its figures"));
    boolean lastReadFailed = run.reconcileStatus() == ReconcileStatus.ERROR;
    // after a failed read the figures keep the status they had when they were read
    ReconcileStatus settled = lastReadFailed ? r.figuresFrom().status() : run.reconcileStatus();
    Verification status;
    StringBuilder m = new StringBuilder(figures(priced.tokens()));
    switch (settled) {
      case FINAL -> {
        status = Verification.VERIFIED;
        m.append("; reconcile status final");
      }
      case WARNING -> {
        status = Verification.WARNING;
        m.append("; reconcile status warning: a later read came back lower, or changed after the")
            .append(" run was final, or the local counts disagree; check with 'tokenledger")
            .append(" reconcile --run ")
            .append(run.id())
            .append("' and accept with 'tokenledger reconcile --accept ")
            .append(run.id())
            .append("'");
      }
      default -> {
        status = Verification.PENDING;
        m.append("; reconcile status ")
            .append(settled.label())
            .append(": the Usage API may still add usage; export again once the run is final");
      }
    }
    if (lastReadFailed) {
      m.append("; the last read, ")
          .append(failed(r.latest()))
          .append(", so these are the figures of the read at ")
          .append(r.figuresFrom().attemptedAt());
    }
    CostStatus cost = priced.cost().status();
    if (cost != CostStatus.PRICED) {
      // a cost that leaves usage out is not verified, whatever the tokens are
      status = status == Verification.VERIFIED ? Verification.WARNING : status;
      m.append("; no price for ").append(String.join(", ", priced.cost().unpricedModels()));
      m.append(
          cost == CostStatus.PARTIAL
              ? ": COST_USD and cost_breakdown count only the priced models, a lower bound"
              : ": COST_USD and the cost parts were left as they were");
    }
    return new RunExport(
        status, m.toString(), priced, r.figuresFrom() == null ? List.of() : r.figures());
  }

  /**
   * A metered run: its metered figures, {@code verified} once the Usage API audited them and
   * agreed; {@code warning} when it showed usage around the meter or less than the meter; {@code
   * pending} until the audit.
   */
  private RunExport decideMetered(RunRecord run) {
    MeteredRun m = MeteredRun.read(ledger, run.id()).orElseThrow();
    PricedRun priced = builder.priced(run).orElseThrow();
    TokenCounts t = priced.tokens();
    StringBuilder msg =
        new StringBuilder("tokenledger: ")
            .append(t.input())
            .append(" input (")
            .append(t.cachedInput())
            .append(" cached), ")
            .append(t.output())
            .append(" output tokens, ")
            .append(t.requests())
            .append(" requests metered");
    long unknown = m.figures().run().usageUnknown();
    if (unknown > 0) {
      msg.append(" (and ").append(unknown).append(" requests whose usage is unknown)");
    }
    String audit = m.audit().map(Audit::label).orElse(null);
    Verification status;
    if (m.isFinal() && Audit.AUDITED.equals(audit) && unknown == 0) {
      status = Verification.VERIFIED;
      msg.append("; audited by the Usage API: final");
    } else if (m.isFinal() && Audit.UNMETERED.equals(audit)) {
      status = Verification.WARNING;
      TokenCounts u = m.unmetered();
      msg.append("; the Usage API shows ")
          .append(u.input())
          .append(" input and ")
          .append(u.output())
          .append(" output tokens more in the run's minutes (unmetered: the key was used around")
          .append(" the meter); the metered figures are kept");
    } else if (m.status() == RunStatus.WARNING || (m.isFinal() && unknown > 0)) {
      status = Verification.WARNING;
      msg.append(
          unknown > 0 && m.status() != RunStatus.WARNING
              ? "; some usage is unknown, so the figures are a lower bound"
              : "; the Usage API shows less than was metered: check with 'tokenledger run show "
                  + run.id()
                  + "'");
    } else {
      status = Verification.PENDING;
      msg.append("; not yet audited by the Usage API (status ")
          .append(m.status().label())
          .append("): run 'tokenledger reconcile', then export again");
    }
    if (priced.cost().status() != CostStatus.PRICED) {
      status = status == Verification.VERIFIED ? Verification.WARNING : status;
      msg.append("; no price for ").append(String.join(", ", priced.cost().unpricedModels()));
    }
    return new RunExport(status, msg.toString(), priced);
  }

  /** How a failed attempt is told: {@code at <instant>, failed (<kind>)}. */
  private static String failed(Attempt a) {
    return "at " + a.attemptedAt() + ", failed (" + ReadFailure.kind(a.error()) + ")";
  }

  private static String figures(TokenCounts t) {
    return "tokenledger: "
        + t.input()
        + " input ("
        + t.cachedInput()
        + " cached), "
        + t.output()
        + " output tokens, "
        + t.requests()
        + " requests from the Usage API";
  }
}
