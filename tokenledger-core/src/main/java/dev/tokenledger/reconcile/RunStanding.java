package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.WindowLimits;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.Attempt;
import dev.tokenledger.ledger.Metering;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.SettlementStore.RunState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a run stands without reading anything: its history of reads as {@link RunSettler} sees it,
 * the audit of a metered run on top, whether a pass should read it, and why it cannot be read.
 */
final class RunStanding {
  private static final String NO_KEY =
      "not read: the run has no key id (record runs with the framework key's id)";

  private final RunSettler settler;

  RunStanding(RunSettler settler) {
    this.settler = settler;
  }

  /** The reads of run {@code s} so far, its end, local counts and acceptance. */
  static RunHistory history(RunState s) {
    List<UsageRead> reads = new ArrayList<>();
    for (Attempt a : s.attempts()) {
      reads.add(
          a.counts() != null
              ? UsageRead.success(a.attemptedAt(), a.counts())
              : UsageRead.failure(a.attemptedAt(), a.error() == null ? "failed" : a.error()));
    }
    // a metered run's local counts are audited by MeterAudit, not compared whole; a failed meter's
    // are partial
    TokenCounts local = s.run().metering() != Metering.NONE ? null : s.localCounts();
    return new RunHistory(s.run().effectiveEnd(), reads, local, s.acceptedAt());
  }

  /** Where run {@code s} stands: the settler's word, and for a metered run its last audit's. */
  Assessment assess(RunState s, RunHistory history, Instant now) {
    if (!s.run().metered()) {
      return settler.assess(history, now);
    }
    Attempt audited = null;
    for (Attempt a : s.attempts()) {
      if (a.counts() != null) {
        audited = a;
      }
    }
    return audited == null
        ? settler.assess(history, now)
        : assessMetered(history, audited.audit(), audited.metered(), now);
  }

  /**
   * The settler's status of a metered run's audited minutes, but a run whose settled API figures
   * are below its metered usage is in warning (until a person accepts it).
   */
  Assessment assessMetered(RunHistory history, String audit, TokenCounts metered, Instant now) {
    Assessment a = settler.assess(history, now);
    boolean accepted =
        history.acceptedAt() != null
            && a.figuresReadAt() != null
            && !a.figuresReadAt().isAfter(history.acceptedAt());
    if (a.settledStatus() != ReconcileStatus.FINAL
        || !Audit.API_BELOW.equals(audit)
        || metered == null
        || accepted) {
      return a;
    }
    ReconcileWarning warning =
        new ReconcileWarning(
            ReconcileWarning.Kind.API_BELOW_METERED,
            a.figuresReadAt(),
            CountsDelta.between(metered, a.figures()));
    return new Assessment(
        a.status() == ReconcileStatus.ERROR ? ReconcileStatus.ERROR : ReconcileStatus.WARNING,
        ReconcileStatus.WARNING,
        a.figures(),
        a.figuresReadAt(),
        a.change(),
        a.identicalReads(),
        warning,
        a.lastError());
  }

  /** Whether a pass should read run {@code s}; a metered run in warning is read again too. */
  boolean needsRead(RunState s, RunHistory history, Instant now, boolean force) {
    if (settler.needsRead(history, now, force)) {
      return true;
    }
    if (!s.run().metered() || assess(s, history, now).settledStatus() != ReconcileStatus.WARNING) {
      return false;
    }
    List<UsageRead> reads = history.reads();
    for (int i = reads.size() - 1; i >= 0; i--) {
      if (reads.get(i).succeeded()) {
        return !now.isBefore(reads.get(i).at().plus(settler.settings().interval()));
      }
    }
    return true;
  }

  /** Why run {@code run} is never read as recorded, or null when it can be. */
  static String unreadable(RunRecord run, Instant now) {
    if (run.apiKeyId() == null) {
      return run.keyFingerprint() == null
          ? NO_KEY
          : "not read: the run has no key id, and its key's fingerprint was not resolved: set"
              + " OPENAI_API_KEY_"
              + run.framework().toUpperCase(Locale.ROOT).replace('-', '_')
              + "_ID, or give reconcile that framework's key (OPENAI_API_KEY_"
              + run.framework().toUpperCase(Locale.ROOT).replace('-', '_')
              + ") and an admin key with api.organization.read";
    }
    // asked for, an implausible window would cost thousands of pages or a 400 that fails the pass
    return implausible(run, now)
        .map(
            why ->
                "not read: its window "
                    + why
                    + "; correct the record (or remove the run) and import it again")
        .orElse(null);
  }

  /** Why a run's recorded window cannot be asked for (see {@link WindowLimits}), if it cannot. */
  private static Optional<String> implausible(RunRecord run, Instant now) {
    return WindowLimits.implausible(run.startedAt(), run.effectiveEnd(), now);
  }
}
