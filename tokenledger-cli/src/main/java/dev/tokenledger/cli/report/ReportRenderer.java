package dev.tokenledger.cli.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.shared.Csv;
import dev.tokenledger.cli.shared.JsonOutput;
import dev.tokenledger.pricing.CostStatus;
import dev.tokenledger.pricing.CostTotal;
import dev.tokenledger.pricing.Money;
import dev.tokenledger.report.FrameworkStatistics;
import dev.tokenledger.report.MeteredRun;
import dev.tokenledger.report.Report;
import dev.tokenledger.report.ReportBuilder;
import dev.tokenledger.report.ReportDimension;
import dev.tokenledger.report.ReportRow;
import dev.tokenledger.report.RunStatistics;
import dev.tokenledger.report.TextTable;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** Writes a {@link Report} as a table, JSON (docs/json/report.schema.json) or CSV. */
final class ReportRenderer {
  static final String SCHEMA = "report.schema.json";
  static final String NOT_FINAL_MARK = "*";

  private ReportRenderer() {}

  // ---------------------------------------------------------------- table

  static void table(Report report, PrintWriter out) {
    out.println(
        "Report by "
            + by(report)
            + " — prices: "
            + report.priceTableVersion()
            + "; costs recomputed from reconciled tokens ("
            + ReportBuilder.COST_SOURCE
            + ")"
            + (report.total().metering().meteredRuns() > 0
                ? " and metered tokens (" + MeteredRun.COST_SOURCE + ")"
                : ""));
    if (!report.query().models().isAll()) {
      String matches = report.modelMatches();
      out.println(
          "Models: "
              + String.join(", ", report.query().models().names())
              + (matches.isEmpty() ? "" : " (" + matches + ")"));
    }
    Optional<String> nothing = nothingToReport(report);
    if (nothing.isPresent()) {
      out.println("Nothing to report: " + nothing.get() + ".");
      return;
    }
    int unaudited = report.total().metering().unauditedRuns();
    if (report.total().notFinalRuns() > unaudited) {
      out.println(
          "Not final: "
              + (report.total().notFinalRuns() - unaudited)
              + " run(s) are not final yet (rows marked "
              + NOT_FINAL_MARK
              + "); their figures may still change.");
    }
    if (unaudited > 0) {
      out.println(
          "Metered: "
              + unaudited
              + " run(s) are metered and not yet audited by the Usage API (status metered):"
              + " their figures are exact; the audit may still flag usage around the meter.");
    }
    if (report.runsWithoutFigures() > 0) {
      out.println(
          report.runsWithoutFigures()
              + " run(s) have no reconciled figures yet and are left out: run tokenledger"
              + " reconcile.");
    }
    boolean bounds = report.query().groups(ReportDimension.STEP);
    List<String> headers = new ArrayList<>();
    report.query().by().forEach(d -> headers.add(d.label()));
    int first = headers.size();
    headers.addAll(
        List.of("input", "cached", "output", "total", "requests", "cost", "cache hit", "status"));
    if (bounds) {
      headers.addAll(List.of("figure", "total bounds"));
    }
    TextTable table = TextTable.withHeaders(headers.toArray(String[]::new));
    for (int i = first; i < first + 7; i++) {
      table.align(i, TextTable.Align.RIGHT);
    }
    for (ReportRow row : report.rows()) {
      table.row(cells(row, row.key(), bounds));
    }
    List<String> totalKey = new ArrayList<>();
    totalKey.add("TOTAL");
    while (totalKey.size() < first) {
      totalKey.add("");
    }
    table.row(cells(report.total(), totalKey, bounds));
    table.render("").forEach(out::println);
    if (report.total().cost().status() != CostStatus.PRICED) {
      out.println(
          "Cost "
              + report.total().cost().status().name().toLowerCase(Locale.ROOT)
              + ": no price for "
              + String.join(", ", report.total().cost().unpricedModels())
              + " (add it with --prices FILE); the amount counts only priced models.");
    }
    if (!report.statistics().isEmpty()) {
      out.println();
      out.println("Per run, by framework (95% bootstrap CI of the mean, seeded):");
      TextTable stats =
          TextTable.withHeaders(
              "framework", "figure", "n", "mean", "sd", "median", "min", "max", "95% CI");
      for (int i = 2; i < 9; i++) {
        stats.align(i, TextTable.Align.RIGHT);
      }
      List<String> leftOut = new ArrayList<>();
      for (FrameworkStatistics s : report.statistics()) {
        stats.row(statsCells(s.framework(), "tokens", s.tokensPerRun(), ReportRenderer::tokens));
        if (s.costPerRun().isPresent()) {
          stats.row(statsCells(s.framework(), "cost", s.costPerRun().get(), ReportRenderer::usd));
        }
        if (s.runsNotPriced() > 0) {
          leftOut.add(s.framework() + " " + s.runsNotPriced() + " of " + s.tokensPerRun().n());
        }
      }
      stats.render("").forEach(out::println);
      if (!leftOut.isEmpty()) {
        out.println(
            "Cost per run counts only fully priced runs; left out (UNPRICED or partial): "
                + String.join(", ", leftOut)
                + ".");
      }
    }
  }

  /**
   * Why {@code report} has no figures, e.g. {@code 2 run(s) recorded, none reconciled yet: run
   * tokenledger reconcile}; empty when it has some.
   */
  static Optional<String> nothingToReport(Report report) {
    if (report.hasFigures()) {
      return Optional.empty();
    }
    boolean filtered = report.query().isFiltered();
    if (report.runsWithoutFigures() > 0) {
      return Optional.of(
          report.runsWithoutFigures()
              + " run(s) "
              + (filtered ? "match the filters" : "recorded")
              + ", none reconciled yet: run tokenledger reconcile");
    }
    return Optional.of(
        filtered
            ? "no runs match the filters"
            : "no runs recorded yet: record them with tokenledger run exec, or tokenledger import");
  }

  private static List<String> cells(ReportRow row, List<String> key, boolean bounds) {
    List<String> cells = new ArrayList<>(key);
    TokenCounts t = row.tokens();
    cells.add(String.format(Locale.ROOT, "%,d", t.input()));
    cells.add(String.format(Locale.ROOT, "%,d", t.cachedInput()));
    cells.add(String.format(Locale.ROOT, "%,d", t.output()));
    cells.add(String.format(Locale.ROOT, "%,d", t.total()));
    cells.add(String.format(Locale.ROOT, "%,d", t.requests()));
    cells.add(cost(row.cost()));
    cells.add(row.cacheHitRate().map(ReportRenderer::percent).orElse("-"));
    cells.add(status(row));
    if (bounds) {
      cells.add(row.exactness().label());
      cells.add(
          row.lowerBound().isPresent()
              ? String.format(
                  Locale.ROOT,
                  "%,d–%,d",
                  row.lowerBound().get().total(),
                  row.upperBound().orElseThrow().total())
              : "-");
    }
    return cells;
  }

  /** {@code final}, {@code metered} or {@code not final *}, with the metering flags. */
  private static String status(ReportRow row) {
    StringBuilder cell =
        new StringBuilder(
            row.status() == ReportRow.Status.NOT_FINAL
                ? "not final " + NOT_FINAL_MARK
                : row.status().label());
    if (row.metering().unmeteredRuns() > 0) {
      cell.append(", unmetered");
    }
    if (row.metering().usageUnknownRequests() > 0) {
      cell.append(", usage unknown");
    }
    return cell.toString();
  }

  private static List<String> statsCells(
      String framework, String figure, RunStatistics s, Function<BigDecimal, String> f) {
    return List.of(
        framework,
        figure,
        Integer.toString(s.n()),
        f.apply(s.mean()),
        s.standardDeviation().map(f).orElse("-"),
        f.apply(s.median()),
        f.apply(s.min()),
        f.apply(s.max()),
        f.apply(s.ciLow()) + " – " + f.apply(s.ciHigh()));
  }

  private static String tokens(BigDecimal v) {
    return String.format(Locale.ROOT, "%,d", v.setScale(0, RoundingMode.HALF_UP).longValueExact());
  }

  private static String usd(BigDecimal v) {
    return "$" + Money.forTable(v).toPlainString();
  }

  private static String percent(BigDecimal rate) {
    return rate.movePointRight(2).setScale(1, RoundingMode.HALF_UP).toPlainString() + "%";
  }

  /** {@code $0.0435}, {@code $0.0435 (partial)} or {@code UNPRICED}. */
  static String cost(CostTotal cost) {
    return switch (cost.status()) {
      case PRICED -> usd(cost.total().orElseThrow());
      case PARTIAL -> usd(cost.total().orElseThrow()) + " (partial)";
      case UNPRICED -> "UNPRICED";
    };
  }

  private static String by(Report report) {
    return String.join(",", report.query().by().stream().map(ReportDimension::label).toList());
  }

  // ---------------------------------------------------------------- JSON

  static void json(Report report, PrintWriter out) {
    ObjectNode root = JsonOutput.document(SCHEMA);
    ArrayNode by = root.putArray("by");
    report.query().by().forEach(d -> by.add(d.label()));
    root.put("generated_at", report.generatedAt().toString());
    root.put("price_table_version", report.priceTableVersion());
    root.put("includes_not_final", report.includesNotFinal());
    root.put("runs_without_figures", report.runsWithoutFigures());
    if (!report.query().models().isAll()) {
      ObjectNode models = root.putObject("models");
      ArrayNode asked = models.putArray("asked");
      report.query().models().names().forEach(asked::add);
      ArrayNode matched = models.putArray("matched");
      report.matchedModels().forEach(matched::add);
    }
    ArrayNode rows = root.putArray("rows");
    for (ReportRow row : report.rows()) {
      ObjectNode r = rows.addObject();
      ObjectNode key = r.putObject("key");
      for (int i = 0; i < report.query().by().size(); i++) {
        key.put(report.query().by().get(i).label(), row.key().get(i));
      }
      fill(r, row);
    }
    if (report.hasFigures()) {
      fill(root.putObject("total"), report.total());
    } else {
      root.putNull("total");
    }
    ArrayNode stats = root.putArray("statistics");
    for (FrameworkStatistics s : report.statistics()) {
      ObjectNode n = stats.addObject();
      n.put("framework", s.framework());
      stats(n.putObject("tokens_per_run"), s.tokensPerRun());
      if (s.costPerRun().isPresent()) {
        stats(n.putObject("cost_per_run_usd"), s.costPerRun().get());
      } else {
        n.putNull("cost_per_run_usd");
      }
      n.put("runs_not_priced", s.runsNotPriced());
    }
    JsonOutput.print(root, out);
  }

  private static void fill(ObjectNode r, ReportRow row) {
    counts(r, row.tokens());
    CostTotal c = row.cost();
    r.put("cost_status", c.status().name());
    if (c.total().isPresent()) {
      r.put("cost_usd", c.total().get());
    } else {
      r.putNull("cost_usd");
    }
    r.put("cost_source", row.costSource());
    ArrayNode unpriced = r.putArray("unpriced_models");
    c.unpricedModels().forEach(unpriced::add);
    if (row.cacheHitRate().isPresent()) {
      r.put("cache_hit_rate", row.cacheHitRate().get());
    } else {
      r.putNull("cache_hit_rate");
    }
    r.put("runs", row.runs());
    r.put("status", row.status().label());
    r.put("not_final_runs", row.notFinalRuns());
    r.put("exactness", row.exactness().label());
    bound(r, "lower_bound", row.lowerBound());
    bound(r, "upper_bound", row.upperBound());
    ReportRow.Metering m = row.metering();
    r.put("metered_runs", m.meteredRuns());
    r.put("unmetered_runs", m.unmeteredRuns());
    counts(r.putObject("unmetered_tokens"), m.unmetered());
    r.put("usage_unknown_requests", m.usageUnknownRequests());
  }

  private static void counts(ObjectNode r, TokenCounts t) {
    r.put("input_tokens", t.input());
    r.put("input_cached_tokens", t.cachedInput());
    r.put("output_tokens", t.output());
    r.put("total_tokens", t.total());
    r.put("requests", t.requests());
  }

  private static void bound(ObjectNode r, String name, Optional<TokenCounts> b) {
    if (b.isPresent()) {
      counts(r.putObject(name), b.get());
    } else {
      r.putNull(name);
    }
  }

  private static void stats(ObjectNode n, RunStatistics s) {
    n.put("n", s.n());
    n.put("mean", s.mean());
    if (s.standardDeviation().isPresent()) {
      n.put("sd", s.standardDeviation().get());
    } else {
      n.putNull("sd");
    }
    n.put("median", s.median());
    n.put("min", s.min());
    n.put("max", s.max());
    n.put("ci95_low", s.ciLow());
    n.put("ci95_high", s.ciHigh());
    n.put("resamples", s.resamples());
    n.put("seed", s.seed());
  }

  // ---------------------------------------------------------------- CSV

  static final List<String> CSV_VALUES =
      List.of(
          "input_tokens",
          "input_cached_tokens",
          "output_tokens",
          "total_tokens",
          "requests",
          "cost_usd",
          "cost_status",
          "cost_source",
          "unpriced_models",
          "cache_hit_rate",
          "status",
          "exactness",
          "lower_total_tokens",
          "upper_total_tokens",
          "price_table_version",
          "metered_runs",
          "unmetered_runs",
          "unmetered_total_tokens",
          "usage_unknown_requests");

  static void csv(Report report, PrintWriter out) {
    List<String> header = new ArrayList<>();
    report.query().by().forEach(d -> header.add(d.label()));
    header.addAll(CSV_VALUES);
    Csv csv = Csv.withHeader(out, header);
    for (ReportRow row : report.rows()) {
      csv.row(csvRow(report, row, row.key()));
    }
    if (report.hasFigures()) {
      List<String> totalKey = new ArrayList<>();
      totalKey.add("TOTAL");
      while (totalKey.size() < report.query().by().size()) {
        totalKey.add("");
      }
      csv.row(csvRow(report, report.total(), totalKey));
    }
    csv.flush();
  }

  private static List<Object> csvRow(Report report, ReportRow row, List<String> key) {
    List<Object> cells = new ArrayList<>(key);
    cells.addAll(Csv.tokenCells(row.tokens()));
    cells.add(row.cost().total().orElse(null));
    cells.add(row.cost().status().name());
    cells.add(row.costSource());
    cells.add(String.join(";", row.cost().unpricedModels()));
    cells.add(row.cacheHitRate().orElse(null));
    cells.add(row.status().label());
    cells.add(row.exactness().label());
    cells.add(row.lowerBound().map(TokenCounts::total).orElse(null));
    cells.add(row.upperBound().map(TokenCounts::total).orElse(null));
    cells.add(report.priceTableVersion());
    cells.add(row.metering().meteredRuns());
    cells.add(row.metering().unmeteredRuns());
    cells.add(row.metering().unmetered().total());
    cells.add(row.metering().usageUnknownRequests());
    return cells;
  }
}
