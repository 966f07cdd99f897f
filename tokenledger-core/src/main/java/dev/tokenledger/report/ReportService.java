package dev.tokenledger.report;

import dev.tokenledger.AtomicFile;
import dev.tokenledger.ConfigurationException;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.SettleForecast;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code tokenledger report} does besides rendering: builds the report over one ledger and
 * price table, says when its runs that are not final can be final, draws its chart, exports the
 * figures into genai-devbench's files, and replaces an output file atomically.
 */
public final class ReportService {
  private final Ledger ledger;
  private final ReportBuilder builder;

  public ReportService(Ledger ledger, CostCalculator calculator) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.builder = new ReportBuilder(ledger, calculator);
  }

  /** The report {@code query} asks for. */
  public Report build(ReportQuery query) {
    return builder.build(query);
  }

  /**
   * When the runs of {@code report} that are not final can be final at the earliest, as the line
   * the table ends with; empty when every run is final.
   */
  public Optional<String> settleForecast(Report report, ReconcileSettings settings, Instant now) {
    if (!report.includesNotFinal()) {
      return Optional.empty();
    }
    List<String> ids =
        ledger.runs(ReportBuilder.runQuery(report.query())).stream()
            .filter(r -> r.reconcileStatus() != ReconcileStatus.FINAL)
            .map(RunRecord::id)
            .toList();
    return SettleForecast.footer(
        new SettleForecast(ledger.settlementStore(), settings).earliestFinal(ids, now),
        settings,
        now);
  }

  /**
   * Draws the chart of {@code report} into {@code file} (PNG or SVG by extension) and says what it
   * shows: cost per framework (grouped by framework), per step (by step), else tokens per day.
   *
   * @throws ConfigurationException when there is nothing priced to chart, or the file cannot be
   *     written
   */
  public String writeChart(Report report, Path file) {
    ReportCharts.chart(report, builder).write(file);
    return ReportCharts.describe(report.query());
  }

  /**
   * Writes the reconciled figures of the runs {@code query} selects back into the genai-devbench
   * experiment {@code folder} (the one holding {@code runs/}).
   */
  public GenaiDevbenchExport.Result exportGenaiDevbench(Path folder, ReportQuery query) {
    return new GenaiDevbenchExport(ledger, builder).export(folder, query);
  }

  /**
   * {@code exported 5 run(s) to genai-devbench: 3 verified, 1 warning, 1 pending; 0 without
   * metrics.json; 5 set in runs/manifest.json}.
   */
  public static String exportSummary(GenaiDevbenchExport.Result result, Path folder) {
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
   * The error for an export that could not write some files: what failed and what to do.
   *
   * @return empty when every file was written
   */
  public static Optional<ConfigurationException> exportFailure(GenaiDevbenchExport.Result result) {
    if (result.failures().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ConfigurationException(
            "could not write "
                + result.failures().size()
                + " file(s): "
                + String.join("; ", result.failures())
                + "; fix what each one names (the folder's permissions, free space, a link or"
                + " name that leads out of runs/), then export again"));
  }

  /**
   * Writes {@code text} to a temporary file beside {@code file}, then moves it into place, so a
   * reader never sees half a report.
   *
   * @throws ConfigurationException when it cannot be written
   */
  public static void writeAtomically(Path file, String text) {
    try {
      AtomicFile.write(file, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot write the report to " + file + ": " + e.getMessage() + "; check the path", e);
    }
  }
}
