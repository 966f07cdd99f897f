package dev.tokenledger.report;

import dev.tokenledger.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/** Picks and fills the chart of a report ({@code --chart}). */
final class ReportCharts {
  private ReportCharts() {}

  /** What {@link #chart} draws for {@code query}, for the line that says where it went. */
  static String describe(ReportQuery query) {
    if (query.groups(ReportDimension.FRAMEWORK)) {
      return "cost per run by framework, with its 95 % interval";
    }
    if (query.groups(ReportDimension.STEP)) {
      return "cost per step";
    }
    return "tokens per day by "
        + (query.groups(ReportDimension.MODEL) ? ReportDimension.MODEL : ReportDimension.FRAMEWORK)
            .label();
  }

  /**
   * Cost per framework with its confidence interval when grouped by framework, cost per step when
   * grouped by step, else tokens per day stacked by model (when grouped by it) or framework.
   */
  static ReportChart chart(Report report, ReportBuilder builder) {
    ReportQuery q = report.query();
    if (q.groups(ReportDimension.FRAMEWORK)) {
      List<ReportChart.GroupCost> groups = new ArrayList<>();
      for (FrameworkStatistics s : report.statistics()) {
        s.costPerRun().ifPresent(c -> groups.add(new ReportChart.GroupCost(s.framework(), c)));
      }
      if (groups.isEmpty()) {
        throw new ConfigurationException(
            "no framework has a priced run to chart: add the missing prices with --prices FILE");
      }
      return ReportChart.costPerFramework(groups);
    }
    if (q.groups(ReportDimension.STEP)) {
      int step = q.by().indexOf(ReportDimension.STEP);
      List<ReportChart.StepCost> costs = new ArrayList<>();
      for (ReportRow row : report.rows()) {
        if (row.cost().total().isEmpty()) {
          continue;
        }
        List<String> others = new ArrayList<>(row.key());
        others.remove(step);
        String series = others.isEmpty() ? "all runs" : String.join(" ", others);
        costs.add(new ReportChart.StepCost(row.key().get(step), series, row.cost().total().get()));
      }
      if (costs.isEmpty()) {
        throw new ConfigurationException(
            "no step has a priced cost to chart: add the missing prices with --prices FILE");
      }
      return ReportChart.costPerStep(costs);
    }
    ReportDimension series =
        q.groups(ReportDimension.MODEL) ? ReportDimension.MODEL : ReportDimension.FRAMEWORK;
    Report byDay =
        builder.build(
            new ReportQuery(
                q.experiment(),
                q.framework(),
                q.from(),
                q.to(),
                q.status(),
                List.of(ReportDimension.DAY, series),
                q.models()));
    if (byDay.rows().isEmpty()) {
      throw new ConfigurationException(
          "no reconciled run to chart: run tokenledger reconcile first, or widen the filters");
    }
    List<ReportChart.TokenPoint> points = new ArrayList<>();
    for (ReportRow row : byDay.rows()) {
      points.add(
          new ReportChart.TokenPoint(row.key().get(0), row.key().get(1), row.tokens().total()));
    }
    return ReportChart.tokensOverTime(points, series.label());
  }
}
