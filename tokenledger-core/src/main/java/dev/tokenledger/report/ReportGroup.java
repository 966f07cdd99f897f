package dev.tokenledger.report;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.pricing.CostTotal;
import dev.tokenledger.report.ReportPiece.Facts;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The rows of one key as they are summed. */
final class ReportGroup {
  private final List<String> key;
  private TokenCounts tokens = TokenCounts.ZERO;
  private CostTotal cost = CostTotal.EMPTY;
  private final Set<String> runs = new HashSet<>();
  private final Set<String> notFinal = new HashSet<>();
  private final Set<String> metered = new HashSet<>();
  private final Set<String> unaudited = new HashSet<>();
  private final Set<String> unmeteredRuns = new HashSet<>();
  private final Set<List<Object>> unknownCounted = new HashSet<>();
  private TokenCounts unmetered = TokenCounts.ZERO;
  private long usageUnknown;
  private boolean apportioned;
  private TokenCounts lower = TokenCounts.ZERO;
  private TokenCounts upper = TokenCounts.ZERO;
  private boolean bounded = true;

  ReportGroup(List<String> key) {
    this.key = key;
  }

  void add(ReportPiece p) {
    tokens = tokens.plus(p.tokens());
    cost = cost.plus(p.cost());
    boolean first = runs.add(p.runId());
    Facts f = p.facts();
    if (!f.isFinal()) {
      notFinal.add(p.runId());
    }
    if (f.metered()) {
      metered.add(p.runId());
      if (!f.isFinal() && f.status() == RunStatus.METERED) {
        unaudited.add(p.runId());
      }
    }
    if (first && !f.unmetered().isZero()) {
      unmeteredRuns.add(p.runId());
      unmetered = unmetered.plus(f.unmetered());
    }
    // a metered run's (or step's) unknown requests count once, however many model rows it has;
    // another run has none
    if (f.figures() != null && unknownCounted.add(Arrays.asList(p.runId(), p.step()))) {
      usageUnknown += f.usageUnknown(p.step());
    }
    apportioned |= p.apportioned();
    if (p.lower() == null) {
      bounded = false;
    } else {
      lower = lower.plus(p.lower());
      upper = upper.plus(p.upper());
    }
  }

  ReportRow row() {
    return new ReportRow(
        key,
        tokens,
        cost,
        runs.size(),
        notFinal.size(),
        apportioned,
        bounded ? Optional.of(lower) : Optional.empty(),
        bounded ? Optional.of(upper) : Optional.empty(),
        new ReportRow.Metering(
            metered.size(), unaudited.size(), unmeteredRuns.size(), unmetered, usageUnknown));
  }
}
