package dev.tokenledger.report;

import dev.tokenledger.Require;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A report over reconciled runs: its rows, their total, and with a framework grouping the
 * statistics per run.
 *
 * @param total the sum of every run (its key is empty), with the bounds of the runs' figures; all
 *     zero when no run has reconciled figures (see {@link #hasFigures})
 * @param priceTableVersion the price table the costs were recomputed with
 * @param runsWithoutFigures runs that matched the filters but have no reconciled figures yet
 * @param statistics one entry per framework when grouped by framework, else empty
 * @param generatedAt when the report was computed
 * @param matchedModels the models whose usage a {@code --model} filter let in
 */
public record Report(
    ReportQuery query,
    List<ReportRow> rows,
    ReportRow total,
    String priceTableVersion,
    int runsWithoutFigures,
    List<FrameworkStatistics> statistics,
    Instant generatedAt,
    Set<String> matchedModels) {

  public Report {
    Require.nonNull("query total priceTableVersion", query, total, priceTableVersion);
    rows = List.copyOf(rows);
    statistics = List.copyOf(statistics);
    matchedModels = Collections.unmodifiableSet(new TreeSet<>(matchedModels));
  }

  /**
   * What {@code --model} matched, e.g. {@code gpt-4o-mini matched gpt-4o-mini-2024-07-18 (its dated
   * snapshot)}; empty without a filter or when each name matched only itself.
   */
  public String modelMatches() {
    return query.models().describe(matchedModels);
  }

  /**
   * Whether some run has reconciled figures; when none has, the report has no rows and its total
   * means nothing (not a final zero).
   */
  public boolean hasFigures() {
    return total.runs() > 0;
  }

  /** Whether some figures are not final yet, which the report's header must say. */
  public boolean includesNotFinal() {
    return total.notFinalRuns() > 0;
  }
}
