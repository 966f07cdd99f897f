package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.RunAttribution;
import dev.tokenledger.attribution.StepAttribution;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Basis;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One run's figures from one pass, put together from its attribution on every endpoint read: the
 * run's total, basis and bounds, each step's, the usage no step reaches, the lines per model and
 * read (usage outside every step as lines of its own, step 0), and the shared minutes: the shapes
 * the ledger stores and reports read.
 */
final class RunFigures {
  final TokenCounts total;
  final Basis basis;
  final List<Figure> figures = new ArrayList<>();
  final List<LineFigure> lines = new ArrayList<>();
  final List<SharedMinute> sharedMinutes = new ArrayList<>();
  final List<String> sharedWith;
  final int sharedMinuteCount;
  final int apportionedSteps;

  /**
   * @param perEndpoint the run's attribution on each endpoint read
   * @param readIds the id of the read each endpoint's figure came from
   */
  RunFigures(
      Map<Endpoint, RunAttribution> perEndpoint, Map<Endpoint, Long> readIds, boolean hasSteps) {
    TokenCounts sum = TokenCounts.ZERO;
    TokenCounts lower = TokenCounts.ZERO;
    TokenCounts upper = TokenCounts.ZERO;
    TokenCounts unstepped = TokenCounts.ZERO;
    Exactness exactness = Exactness.EXACT;
    Set<Instant> minutes = new HashSet<>();
    TreeSet<String> others = new TreeSet<>();
    Map<StepIndex, StepSum> steps = new LinkedHashMap<>();
    for (Map.Entry<Endpoint, RunAttribution> e : perEndpoint.entrySet()) {
      Endpoint endpoint = e.getKey();
      RunAttribution run = e.getValue();
      long readId = readIds.get(e.getKey());
      sum = sum.plus(run.total());
      lower = lower.plus(run.lowerBound());
      upper = upper.plus(run.upperBound());
      unstepped = unstepped.plus(run.unstepped());
      exactness = exactness.and(run.exactness());
      for (SharedMinute m : run.sharedMinutes()) {
        minutes.add(m.minute());
        others.addAll(m.otherRunIds());
        sharedMinutes.add(m.on(endpoint));
      }
      addLines(readId, null, endpoint, run.rows(), run.exactness(), run.sharedMinutes());
      for (StepAttribution step : run.steps()) {
        steps.computeIfAbsent(step.step(), k -> new StepSum()).add(step);
        for (SharedMinute m : step.sharedMinutes()) {
          sharedMinutes.add(m.on(endpoint));
        }
        addLines(
            readId, step.step(), endpoint, step.rows(), step.exactness(), step.sharedMinutes());
      }
      if (hasSteps) {
        // the run's usage no step reaches, stored as lines of its own: a report reads them as they
        // are (they share no minute with a step, so they carry the run's exactness)
        unsteppedLines(readId, endpoint, run.unsteppedRows(), run.exactness());
      }
    }
    this.total = sum;
    this.basis = exactness.basis();
    this.sharedWith = List.copyOf(others);
    this.sharedMinuteCount = minutes.size();
    figures.add(new Figure(null, sum, exactness, lower, upper, minutes.size()));
    int apportionedCount = 0;
    for (Map.Entry<StepIndex, StepSum> s : steps.entrySet()) {
      StepSum step = s.getValue();
      apportionedCount += step.exactness == Exactness.APPORTIONED ? 1 : 0;
      figures.add(
          new Figure(
              s.getKey(), step.total, step.exactness, step.lower, step.upper, step.minutes.size()));
    }
    this.apportionedSteps = apportionedCount;
    if (hasSteps && !unstepped.isZero()) {
      // a residual (run minus its steps): exact only when the run's figure is
      figures.add(
          new Figure(
              StepIndex.OUTSIDE,
              unstepped,
              exactness,
              exactness == Exactness.APPORTIONED ? TokenCounts.ZERO : unstepped,
              exactness == Exactness.APPORTIONED ? upper : unstepped,
              0));
    }
  }

  private void addLines(
      long readId,
      StepIndex step,
      Endpoint endpoint,
      List<UsageRow> rows,
      Exactness exactness,
      List<SharedMinute> shared) {
    Set<Instant> sharedSet = new HashSet<>();
    for (SharedMinute m : shared) {
      sharedSet.add(m.minute());
    }
    Map<UsageLine, LineSum> byLine = new TreeMap<>();
    for (UsageRow row : rows) {
      LineSum sum = byLine.computeIfAbsent(row.line(), k -> new LineSum());
      sum.counts = sum.counts.plus(row.counts());
      if (sharedSet.contains(row.minute())) {
        sum.minutes.add(row.minute());
        sum.sharedTokens += row.counts().total();
      }
    }
    byLine.forEach(
        (line, sum) ->
            lines.add(
                new LineFigure(
                    readId,
                    step,
                    endpoint,
                    line,
                    sum.counts,
                    exactness,
                    sum.minutes.size(),
                    sum.sharedTokens)));
  }

  /** Usage outside every step per line; lines that add up to nothing are left out. */
  private void unsteppedLines(
      long readId, Endpoint endpoint, List<UsageRow> rows, Exactness exactness) {
    Map<UsageLine, TokenCounts> byLine = new TreeMap<>();
    for (UsageRow row : rows) {
      byLine.merge(row.line(), row.counts(), TokenCounts::plus);
    }
    byLine.forEach(
        (line, counts) -> {
          if (!counts.isZero()) {
            lines.add(
                new LineFigure(readId, StepIndex.OUTSIDE, endpoint, line, counts, exactness, 0, 0));
          }
        });
  }

  /** A step's figures summed over endpoints. */
  private static final class StepSum {
    TokenCounts total = TokenCounts.ZERO;
    TokenCounts lower = TokenCounts.ZERO;
    TokenCounts upper = TokenCounts.ZERO;
    Exactness exactness = Exactness.EXACT;
    final Set<Instant> minutes = new HashSet<>();

    void add(StepAttribution step) {
      total = total.plus(step.total());
      lower = lower.plus(step.lowerBound());
      upper = upper.plus(step.upperBound());
      exactness = exactness.and(step.exactness());
      step.sharedMinutes().forEach(m -> minutes.add(m.minute()));
    }
  }

  /** A line's share summed over minutes. */
  private static final class LineSum {
    TokenCounts counts = TokenCounts.ZERO;
    final Set<Instant> minutes = new HashSet<>();
    long sharedTokens;
  }
}
