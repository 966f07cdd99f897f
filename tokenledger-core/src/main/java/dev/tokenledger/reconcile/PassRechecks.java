package dev.tokenledger.reconcile;

import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.ProvenanceStore;
import dev.tokenledger.ledger.SettlementStore;
import dev.tokenledger.ledger.SettlementStore.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The reads once more of one pass (docs/design.md §5): a run that becomes final is read again
 * later, to catch usage filed later than min-age allowed for; when, depends on the largest
 * reporting delay seen, which is known only once the pass saw every read.
 */
final class PassRechecks {
  private static final Duration LOOK_BACK = Duration.ofDays(30);

  /** A run this pass made final: its read once more is scheduled once the pass saw every read. */
  private record NewlyFinal(String runId, Instant runEnd, Instant at) {}

  private final ProvenanceStore provenance;
  private final RunSettler settler;
  private final Instant now;
  private final List<SettlementStore.Recheck> rechecks = new ArrayList<>();
  private final List<NewlyFinal> newlyFinal = new ArrayList<>();
  private Duration largestDelay = Duration.ZERO;
  private boolean loaded;

  PassRechecks(ProvenanceStore provenance, RunSettler settler, Instant now) {
    this.provenance = provenance;
    this.settler = settler;
    this.now = now;
  }

  /** Whether a final run is due for its read once more at {@code now}. */
  static boolean due(RunState s, Instant now) {
    return s.recheckAt() != null && !now.isBefore(s.recheckAt());
  }

  /**
   * Schedules the read once more of a run that became final with this read, or clears it once a
   * read at or after its time was taken (its outcome, a change or not, is in the assessment).
   */
  void afterRead(RunState s, RunHistory before, RunHistory after, Assessment a, Instant at) {
    RunSettler.delaySeen(after.runEnd(), after.reads()).ifPresent(this::max);
    if (s.recheckAt() != null) {
      if (!at.isBefore(s.recheckAt())) {
        rechecks.add(new SettlementStore.Recheck(s.run().id(), null));
      }
      return;
    }
    boolean wasFinal = settler.assess(before, at).settledStatus() == ReconcileStatus.FINAL;
    if (a.status() == ReconcileStatus.FINAL && !wasFinal) {
      // its time is set once every read of the pass was seen (largestDelay)
      newlyFinal.add(new NewlyFinal(s.run().id(), after.runEnd(), at));
    }
  }

  /** What the pass stores: reads once more cleared, and those of the runs it made final. */
  List<SettlementStore.Recheck> all() {
    List<SettlementStore.Recheck> out = new ArrayList<>(rechecks);
    for (NewlyFinal f : newlyFinal) {
      out.add(
          new SettlementStore.Recheck(
              f.runId(), RunSettler.recheckAt(f.runEnd(), f.at(), largestDelay())));
    }
    return out;
  }

  /**
   * The largest reporting delay seen ({@link RunSettler#delaySeen}) over the runs that ended in the
   * last 30 days, from their stored reads and this pass's; read from the ledger once per pass, when
   * a run first needs it.
   */
  private Duration largestDelay() {
    if (!loaded) {
      loaded = true;
      String run = null;
      Instant end = null;
      List<UsageRead> reads = new ArrayList<>();
      for (ProvenanceStore.ReadAfterEnd r : provenance.readsAfterEnd(now.minus(LOOK_BACK))) {
        if (!r.runId().equals(run)) {
          RunSettler.delaySeen(end, reads).ifPresent(this::max);
          run = r.runId();
          end = r.runEnd();
          reads.clear();
        }
        reads.add(UsageRead.success(r.at(), r.counts()));
      }
      RunSettler.delaySeen(end, reads).ifPresent(this::max);
    }
    return largestDelay;
  }

  private void max(Duration d) {
    largestDelay = d.compareTo(largestDelay) > 0 ? d : largestDelay;
  }
}
