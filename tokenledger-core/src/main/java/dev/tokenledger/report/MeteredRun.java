package dev.tokenledger.report;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.Attempt;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.MeteredFigures;
import dev.tokenledger.ledger.ProvenanceStore.Accepted;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.reconcile.Audit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A metered run as reports show it (docs/metering.md): its figures (the sums of its metered
 * requests, per run and step, usable the moment a step ends), its status ({@code metered} until the
 * Usage API has audited it, then {@code final}, {@code warning} or {@code error} as reconcile left
 * it) and the last audit. Read with {@link #read}.
 *
 * @param audit the latest successful audit, or empty before the first
 */
public record MeteredRun(MeteredFigures figures, RunStatus status, Optional<Audit> audit) {

  /** The source of a cost computed from metered tokens (docs/design.md §6). */
  public static final String COST_SOURCE = "local×price";

  public MeteredRun {
    Require.nonNull("figures status audit", figures, status, audit);
  }

  /** Run {@code runId}'s metered figures and standing; empty when the run is not metered. */
  public static Optional<MeteredRun> read(Ledger ledger, String runId) {
    RunRecord run = ledger.run(runId);
    if (!run.metered()) {
      return Optional.empty();
    }
    Accepted accepted = ledger.provenanceStore().accepted(List.of(runId), false).get(runId);
    return Optional.of(of(run.reconcileStatus(), ledger.meterStore().figures(runId), accepted));
  }

  /**
   * The view of a metered run of {@code reconcileStatus} from its figures and its accepted figures
   * (null: no attempt succeeded), of which it reads the run's.
   */
  static MeteredRun of(ReconcileStatus reconcileStatus, MeteredFigures figures, Accepted accepted) {
    Attempt from = accepted == null ? null : accepted.attempt();
    Optional<Audit> audit = Optional.empty();
    if (from != null && from.audit() != null && from.metered() != null) {
      Optional<Figure> runFigure = accepted.figures().stream().filter(Figure::isRun).findFirst();
      TokenCounts upper = runFigure.map(Figure::upperBound).orElse(from.counts());
      TokenCounts runTotal = runFigure.map(Figure::total).orElse(from.counts());
      audit =
          Optional.of(
              new Audit(
                  from.audit(),
                  figures.run().counts(),
                  from.counts(),
                  from.metered(),
                  minus(upper, runTotal),
                  minus(from.metered(), from.counts())));
    }
    return new MeteredRun(figures, RunStatus.metered(reconcileStatus), audit);
  }

  /** Whether the Usage API has audited the figures and they stand ({@code final}). */
  public boolean isFinal() {
    return status == RunStatus.FINAL;
  }

  /**
   * The flags to show: {@code audited} once final and equal, {@code unmetered} when the Usage API
   * showed more, {@code api_below} when it showed less, {@code usage_unknown} when requests of
   * unknown usage were counted.
   */
  public List<String> flags() {
    List<String> out = new ArrayList<>();
    audit.ifPresent(
        a -> {
          if (!Audit.AUDITED.equals(a.label()) || isFinal()) {
            out.add(a.label());
          }
        });
    if (figures.run().usageUnknown() > 0) {
      out.add("usage_unknown");
    }
    return out;
  }

  /** The tokens the Usage API showed beyond the meter in the run's minutes (zero if none). */
  public TokenCounts unmetered() {
    return audit.map(Audit::unmetered).orElse(TokenCounts.ZERO);
  }

  /** Counter-wise {@code a − b}, floored at zero. */
  private static TokenCounts minus(TokenCounts a, TokenCounts b) {
    long input = Math.max(0, a.input() - b.input());
    return new TokenCounts(
        input,
        Math.min(input, Math.max(0, a.cachedInput() - b.cachedInput())),
        Math.max(0, a.output() - b.output()),
        Math.max(0, a.requests() - b.requests()));
  }
}
