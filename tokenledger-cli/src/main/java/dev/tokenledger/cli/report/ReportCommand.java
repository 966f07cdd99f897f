package dev.tokenledger.cli.report;

import dev.tokenledger.AtomicFile;
import dev.tokenledger.ConfigurationException;
import dev.tokenledger.ModelFilter;
import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.ConfigMixin;
import dev.tokenledger.cli.LedgerMixin;
import dev.tokenledger.cli.OutputFormat;
import dev.tokenledger.cli.PricesMixin;
import dev.tokenledger.cli.Services;
import dev.tokenledger.cli.TimeConverters;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.PriceHistory;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.PriceTable;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.SettleForecast;
import dev.tokenledger.report.GenaiDevbenchExport;
import dev.tokenledger.report.Report;
import dev.tokenledger.report.ReportBuilder;
import dev.tokenledger.report.ReportDimension;
import dev.tokenledger.report.ReportQuery;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Option(
      names = "--by",
      paramLabel = "DIMS",
      description =
          "run, step, framework, model, day, key, project or month (api_key_id and"
              + " project_id as usage --group-by spells them); combine with commas. Default: run.")
  String by = "run";

  @Option(names = "--experiment", description = "Only runs of this experiment.")
  String experiment;

  @Option(names = "--framework", paramLabel = "FW", description = "Only runs of this framework.")
  String framework;

  @Option(
      names = "--model",
      split = ",",
      paramLabel = "MODEL",
      description =
          "Only usage of these models: an undated name (gpt-4o-mini) takes in its dated"
              + " snapshots (gpt-4o-mini-2024-07-18), a dated name only itself.")
  List<String> models = new ArrayList<>();

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "Only runs started at or after WHEN: an instant, or a duration ago (2h, 1d).")
  String since;

  @Option(
      names = "--from",
      paramLabel = "INSTANT",
      description = "Only runs started at or after INSTANT (same as --since).")
  String from;

  @Option(names = "--to", paramLabel = "INSTANT", description = "Only runs started before INSTANT.")
  String to;

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

  @Option(names = "--format", description = "table (default), json or csv.")
  OutputFormat format = OutputFormat.TABLE;

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

  @Mixin ConfigMixin configOptions;

  @Mixin LedgerMixin ledgerOptions;

  public ReportCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    ReportQuery query = query();
    TokenLedgerConfig config = Services.config(environment, configOptions);
    PrintWriter err = spec.commandLine().getErr();
    Services.printWarnings(config, err);
    if (priceVersion != null && prices.given()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--prices and --price-version both name the price table: give one of them");
    }
    if (export != null && !"genai-devbench".equals(export.get(0))) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--export '"
              + export.get(0)
              + "' is not an export format: use --export genai-devbench DIR");
    }
    Report report;
    Optional<String> forecast = Optional.empty();
    try (Ledger ledger = ledgerOptions.openExisting(environment, config, err)) {
      CostCalculator calculator = new CostCalculator(priceTable(ledger, config, err));
      ReportBuilder builder = new ReportBuilder(ledger, calculator);
      if (export != null) {
        Path folder = Services.resolve(config, Path.of(export.get(1)));
        GenaiDevbenchExport.Result result =
            new GenaiDevbenchExport(ledger, builder).export(folder, query);
        result.problems().forEach(p -> err.println("tokenledger: warning: " + p));
        err.println("tokenledger: " + exportSummary(result, folder));
        err.flush();
        if (!result.failures().isEmpty()) {
          throw new ConfigurationException(
              "could not write "
                  + result.failures().size()
                  + " file(s): "
                  + String.join("; ", result.failures())
                  + "; fix what each one names (the folder's permissions, free space, a link or"
                  + " name that leads out of runs/), then export again");
        }
        return 0;
      }
      report = builder.build(query);
      if (report.includesNotFinal()) {
        forecast = forecast(ledger, config, query);
      }
      if (chart != null && report.hasFigures()) {
        Path chartFile = Services.resolve(config, chart);
        ReportCharts.chart(report, builder).write(chartFile);
        err.println(
            "tokenledger: chart written to "
                + chartFile.toAbsolutePath().normalize()
                + " ("
                + ReportCharts.describe(report.query())
                + ")");
      }
    }
    Optional<String> nothing = ReportRenderer.nothingToReport(report);
    StringWriter text = new StringWriter();
    PrintWriter writer = new PrintWriter(text);
    switch (format) {
      case TABLE -> {
        ReportRenderer.table(report, writer);
        forecast.ifPresent(writer::println);
      }
      case JSON -> ReportRenderer.json(report, writer);
      case CSV -> ReportRenderer.csv(report, writer);
    }
    writer.flush();
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(text);
      out.flush();
    } else {
      writeAtomically(Services.resolve(config, output), text.toString());
    }
    if (nothing.isPresent()) {
      if (format != OutputFormat.TABLE) {
        err.println("tokenledger: nothing to report: " + nothing.get());
      }
      if (chart != null) {
        err.println("tokenledger: warning: no chart written to " + chart + ": nothing to report");
      }
    }
    if (format != OutputFormat.TABLE && report.includesNotFinal()) {
      err.println(
          "tokenledger: warning: the report includes "
              + report.total().notFinalRuns()
              + " run(s) not final yet; their figures may still change");
    }
    err.flush();
    return 0;
  }

  /** When the report's runs that are not final can be final at the earliest. */
  private Optional<String> forecast(Ledger ledger, TokenLedgerConfig config, ReportQuery query) {
    ReconcileSettings settings = Services.reconcileSettings(config);
    List<String> ids =
        ledger.runs(ReportBuilder.runQuery(query)).stream()
            .filter(r -> !"final".equals(r.reconcileStatus()))
            .map(RunRecord::id)
            .toList();
    Instant now = environment.clock().instant();
    return SettleForecast.footer(
        new SettleForecast(ledger.reconcileStore(), settings).earliestFinal(ids, now),
        settings,
        now);
  }

  /**
   * {@code exported 5 run(s) to genai-devbench: 3 verified, 1 warning, 1 pending; 0 without
   * metrics.json; 5 set in runs/manifest.json}.
   */
  static String exportSummary(GenaiDevbenchExport.Result result, Path folder) {
    StringBuilder line =
        new StringBuilder("exported ").append(result.written()).append(" run(s) to genai-devbench");
    List<String> counts = new ArrayList<>();
    result
        .exported()
        .forEach(
            (status, n) -> {
              if (n > 0) {
                counts.add(n + " " + status.word());
              }
            });
    if (!counts.isEmpty()) {
      line.append(": ").append(String.join(", ", counts));
    }
    line.append("; ").append(result.withoutMetrics()).append(" without metrics.json");
    if (result.unreadable() > 0) {
      line.append(", ").append(result.unreadable()).append(" unreadable");
    }
    if (result.manifest() != null) {
      line.append("; ")
          .append(result.manifestEntries())
          .append(" set in ")
          .append(folder.relativize(result.manifest()));
    }
    return line.toString();
  }

  /**
   * The table of {@code --price-version} from the ledger; else the configured one, recorded in the
   * ledger so that this report can be priced the same way again later.
   */
  private PriceTable priceTable(Ledger ledger, TokenLedgerConfig config, PrintWriter err) {
    if (priceVersion != null) {
      return new PriceHistory(ledger).table(priceVersion);
    }
    PriceTable table = prices.table(config);
    Services.recordPrices(ledger, table, err);
    return table;
  }

  private ReportQuery query() {
    List<ReportDimension> dims;
    try {
      dims = ReportDimension.parse(by);
    } catch (ConfigurationException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (since != null && from != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--since and --from both set the start: give one of them");
    }
    Instant start = since != null ? when(since, "--since") : when(from, "--from");
    Instant end = when(to, "--to");
    try {
      return new ReportQuery(
          experiment, framework, start, end, status, dims, ModelFilter.of(models));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private Instant when(String text, String option) {
    return TimeConverters.instantOrAgo(
        text, environment.clock().instant(), option, spec.commandLine());
  }

  /** Writes {@code text} to a temporary file beside {@code file}, then moves it into place. */
  private static void writeAtomically(Path file, String text) {
    try {
      AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot write the report to " + file + ": " + e.getMessage() + "; check the path", e);
    }
  }
}
