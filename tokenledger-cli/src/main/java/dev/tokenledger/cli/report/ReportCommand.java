package dev.tokenledger.cli.report;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.ModelFilter;
import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.FormatMixin;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.cli.shared.PricesMixin;
import dev.tokenledger.cli.shared.RunFilterMixin;
import dev.tokenledger.cli.shared.Services;
import dev.tokenledger.cli.shared.WindowMixin;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.costs.service.PriceRecording;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.PriceHistory;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.PriceTable;
import dev.tokenledger.report.GenaiDevbenchExport;
import dev.tokenledger.report.Report;
import dev.tokenledger.report.ReportDimension;
import dev.tokenledger.report.ReportQuery;
import dev.tokenledger.report.ReportService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tokenledger report}: reconciled tokens and their cost, grouped, as a table, JSON or CSV.
 */
@Command(
    name = "report",
    description =
        "Report reconciled tokens and their cost (recomputed now from the price table), grouped"
            + " by run, step, framework, model, day, key, project or month, with per-run statistics per framework.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class ReportCommand implements Callable<Integer> {
  @Option(
      names = "--by",
      paramLabel = "DIMS",
      description =
          "run, step, framework, model, day, key, project or month (api_key_id and"
              + " project_id as usage --group-by spells them); combine with commas. Default: run.")
  String by = "run";

  @Mixin RunFilterMixin runs;

  @Option(
      names = "--model",
      split = ",",
      paramLabel = "MODEL",
      description =
          "Only usage of these models: an undated name (gpt-4o-mini) takes in its dated"
              + " snapshots (gpt-4o-mini-2024-07-18), a dated name only itself.")
  List<String> models = new ArrayList<>();

  @Mixin WindowMixin window;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "Only runs whose reconcile status is STATUS, e.g. final.")
  String status;

  @Mixin PricesMixin prices;

  @Option(
      names = "--price-version",
      paramLabel = "VERSION",
      description =
          "Price with a table this ledger recorded earlier, named by its version or a part of"
              + " its hash (see prices versions): reproduces an old report's costs.")
  String priceVersion;

  @Mixin FormatMixin format;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write the report to FILE (replaced atomically) instead of standard output.")
  Path output;

  @Option(
      names = "--chart",
      paramLabel = "FILE",
      description =
          "Also draw a chart, PNG or SVG by extension: cost per framework with its 95%% CI"
              + " (--by framework), cost per step (--by step), else tokens over time.")
  Path chart;

  @Option(
      names = "--export",
      arity = "2",
      paramLabel = "FORMAT DIR",
      description =
          "Instead of the report, write the selected runs' reconciled figures (or, without"
              + " figures, why there are none) back into their source files: genai-devbench DIR"
              + " (the experiment folder holding runs/).")
  List<String> export;

  @Mixin CommandContext context;

  @Mixin LedgerMixin ledgerOptions;

  @Override
  public Integer call() {
    ReportQuery query = query();
    TokenLedgerConfig config = context.config();
    PrintWriter err = context.err();
    if (priceVersion != null && prices.given()) {
      throw context.usageError(
          "--prices and --price-version both name the price table: give one of them");
    }
    if (export != null && !"genai-devbench".equals(export.get(0))) {
      throw context.usageError(
          "--export '"
              + export.get(0)
              + "' is not an export format: use --export genai-devbench DIR");
    }
    Report report;
    Optional<String> forecast = Optional.empty();
    try (Ledger ledger = context.openExistingLedger(ledgerOptions)) {
      ReportService service =
          new ReportService(ledger, new CostCalculator(priceTable(ledger, config)));
      if (export != null) {
        Path folder = context.resolve(Path.of(export.get(1)));
        GenaiDevbenchExport.Result result = service.exportGenaiDevbench(folder, query);
        result.problems().forEach(p -> err.println("tokenledger: warning: " + p));
        err.println("tokenledger: " + ReportService.exportSummary(result, folder));
        err.flush();
        ReportService.exportFailure(result)
            .ifPresent(
                e -> {
                  throw e;
                });
        return 0;
      }
      report = service.build(query);
      if (report.includesNotFinal()) {
        forecast =
            service.settleForecast(report, Services.reconcileSettings(config), context.now());
      }
      if (chart != null && report.hasFigures()) {
        Path chartFile = context.resolve(chart);
        String shows = service.writeChart(report, chartFile);
        err.println(
            "tokenledger: chart written to "
                + chartFile.toAbsolutePath().normalize()
                + " ("
                + shows
                + ")");
      }
    }
    Optional<String> nothing = ReportRenderer.nothingToReport(report);
    StringWriter text = new StringWriter();
    PrintWriter writer = new PrintWriter(text);
    switch (format.format()) {
      case TABLE -> {
        ReportRenderer.table(report, writer);
        forecast.ifPresent(writer::println);
      }
      case JSON -> ReportRenderer.json(report, writer);
      case CSV -> ReportRenderer.csv(report, writer);
    }
    writer.flush();
    if (output == null) {
      PrintWriter out = context.out();
      out.print(text);
      out.flush();
    } else {
      ReportService.writeAtomically(context.resolve(output), text.toString());
    }
    if (nothing.isPresent()) {
      if (format.forPrograms()) {
        err.println("tokenledger: nothing to report: " + nothing.get());
      }
      if (chart != null) {
        err.println("tokenledger: warning: no chart written to " + chart + ": nothing to report");
      }
    }
    if (format.forPrograms() && report.includesNotFinal()) {
      err.println(
          "tokenledger: warning: the report includes "
              + report.total().notFinalRuns()
              + " run(s) not final yet; their figures may still change");
    }
    err.flush();
    return 0;
  }

  /**
   * The table of {@code --price-version} from the ledger; else the configured one, recorded in the
   * ledger so that this report can be priced the same way again later.
   */
  private PriceTable priceTable(Ledger ledger, TokenLedgerConfig config) {
    if (priceVersion != null) {
      return new PriceHistory(ledger).table(priceVersion);
    }
    PriceTable table = prices.table(config);
    PriceRecording.record(ledger, table, context::warn);
    return table;
  }

  private ReportQuery query() {
    List<ReportDimension> dims;
    try {
      dims = ReportDimension.parse(by);
    } catch (ConfigurationException e) {
      throw context.usageError(e.getMessage());
    }
    WindowMixin.Window w = window.open(context.now());
    try {
      return new ReportQuery(
          runs.experiment(),
          runs.framework(),
          w.start(),
          w.end(),
          status,
          dims,
          ModelFilter.of(models));
    } catch (IllegalArgumentException e) {
      throw context.usageError(e.getMessage());
    }
  }
}
