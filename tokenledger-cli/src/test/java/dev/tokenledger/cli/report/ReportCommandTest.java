package dev.tokenledger.cli.report;

import static dev.tokenledger.cli.report.ReportLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.JsonSchemas;
import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.sim.ServedUsage;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenledger report} against a ledger filled by reconciling runs on the in-process
 * simulator: the figures, their cost recomputed from the price table, statistics, formats, chart.
 */
class ReportCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private ReportLab lab() {
    return new ReportLab(dir.resolve("ledger.db"));
  }

  /** Three chatdev runs and two baes runs, each alone in its minutes, settled to final. */
  private static List<String> fiveRuns(ReportLab lab) {
    List<String> ids = new ArrayList<>();
    String[] frameworks = {"chatdev", "chatdev", "chatdev", "baes", "baes"};
    for (int i = 0; i < frameworks.length; i++) {
      Instant start = T0.plusSeconds(180L * i);
      for (int c = 0; c <= i % 3; c++) {
        lab.chat(frameworks[i], start.plusSeconds(15 + 30L * c));
      }
      ids.add(lab.run(frameworks[i], start.plusSeconds(5), start.plusSeconds(115)));
    }
    lab.settle();
    return ids;
  }

  private CliHarness cli(ReportLab lab) {
    return new CliHarness(dir).clock(lab.clock);
  }

  private static TokenCounts served(ReportLab lab) {
    return lab.sim.served().stream()
        .map(ServedUsage::counts)
        .reduce(TokenCounts.ZERO, TokenCounts::plus);
  }

  private static JsonNode json(CliHarness.Result result) throws Exception {
    assertThat(result.exitCode()).as(result.err()).isZero();
    return JSON.readTree(result.out());
  }

  @Test
  void byRunGivesEveryReconciledRunItsTokensAndCostFromThePriceTable() throws Exception {
    try (ReportLab lab = lab()) {
      List<String> ids = fiveRuns(lab);

      JsonNode report =
          json(
              cli(lab).run("report", "--db", lab.db.toString(), "--by", "run", "--format", "json"));

      assertThat(report.path("rows")).hasSize(5);
      List<String> runs = new ArrayList<>();
      report.path("rows").forEach(r -> runs.add(r.path("key").path("run").asText()));
      assertThat(runs).containsExactlyElementsOf(ids);
      TokenCounts truth = served(lab);
      JsonNode total = report.path("total");
      assertThat(total.path("input_tokens").asLong()).isEqualTo(truth.input());
      assertThat(total.path("input_cached_tokens").asLong()).isEqualTo(truth.cachedInput());
      assertThat(total.path("output_tokens").asLong()).isEqualTo(truth.output());
      assertThat(total.path("requests").asLong()).isEqualTo(truth.requests()).isEqualTo(9);
      BigDecimal expected =
          new CostCalculator(PriceFiles.defaultTable())
              .cost("gpt-4o-mini-2024-07-18", truth)
              .total()
              .orElseThrow();
      assertThat(total.path("cost_status").asText()).isEqualTo("PRICED");
      assertThat(total.path("cost_usd").decimalValue()).isEqualByComparingTo(expected);
      assertThat(report.path("price_table_version").asText())
          .isEqualTo(PriceFiles.defaultTable().version());
      assertThat(report.path("includes_not_final").asBoolean()).isFalse();
      report.path("rows").forEach(r -> assertThat(r.path("status").asText()).isEqualTo("final"));
    }
  }

  @Test
  void byFrameworkAddsPerRunStatisticsWhoseIntervalBracketsTheMean() throws Exception {
    try (ReportLab lab = lab()) {
      fiveRuns(lab);

      CliHarness.Result table =
          cli(lab).run("report", "--db", lab.db.toString(), "--by", "framework");
      JsonNode report =
          json(
              cli(lab)
                  .run(
                      "report",
                      "--db",
                      lab.db.toString(),
                      "--by",
                      "framework",
                      "--format",
                      "json"));

      assertThat(table.exitCode()).as(table.err()).isZero();
      assertThat(table.out())
          .contains("Per run, by framework")
          .contains("chatdev")
          .contains("baes");
      assertThat(report.path("rows")).hasSize(2);
      JsonNode stats = report.path("statistics");
      assertThat(stats).hasSize(2);
      JsonNode baes = stats.get(0);
      JsonNode chatdev = stats.get(1);
      assertThat(baes.path("framework").asText()).isEqualTo("baes");
      assertThat(baes.path("tokens_per_run").path("n").asInt()).isEqualTo(2);
      assertThat(chatdev.path("tokens_per_run").path("n").asInt()).isEqualTo(3);
      for (JsonNode s : stats) {
        for (String figure : List.of("tokens_per_run", "cost_per_run_usd")) {
          JsonNode f = s.path(figure);
          BigDecimal mean = f.path("mean").decimalValue();
          assertThat(f.path("ci95_low").decimalValue()).isLessThanOrEqualTo(mean);
          assertThat(f.path("ci95_high").decimalValue()).isGreaterThanOrEqualTo(mean);
          assertThat(f.path("min").decimalValue())
              .isLessThanOrEqualTo(f.path("median").decimalValue());
        }
      }
      long chatdevTokens = 0;
      for (JsonNode r : report.path("rows")) {
        if (r.path("key").path("framework").asText().equals("chatdev")) {
          chatdevTokens = r.path("total_tokens").asLong();
        }
      }
      assertThat(chatdev.path("tokens_per_run").path("mean").decimalValue())
          .isEqualByComparingTo(
              BigDecimal.valueOf(chatdevTokens)
                  .divide(BigDecimal.valueOf(3), java.math.MathContext.DECIMAL64));
      JsonNode again =
          json(
              cli(lab)
                  .run(
                      "report",
                      "--db",
                      lab.db.toString(),
                      "--by",
                      "framework",
                      "--format",
                      "json"));
      assertThat(again.path("statistics")).isEqualTo(stats);
    }
  }

  @Test
  void byStepShowsApportionedStepsWithBoundsThatHoldTheirFigures() throws Exception {
    try (ReportLab lab = lab()) {
      List<StepSpec> steps = new ArrayList<>();
      Instant start = T0.plusSeconds(3);
      for (int s = 0; s < 4; s++) {
        Instant stepStart = start.plusSeconds(30L * s);
        lab.chat("chatdev", stepStart.plusSeconds(4));
        lab.chat("chatdev", stepStart.plusSeconds(20));
        steps.add(new StepSpec(s + 1, "s" + (s + 1), stepStart, stepStart.plusSeconds(28), 0));
      }
      lab.run("chatdev", start, start.plusSeconds(178), steps);
      lab.settle();

      JsonNode report =
          json(
              cli(lab)
                  .run("report", "--db", lab.db.toString(), "--by", "step", "--format", "json"));
      CliHarness.Result table = cli(lab).run("report", "--db", lab.db.toString(), "--by", "step");

      JsonNode rows = report.path("rows");
      assertThat(rows.size()).isGreaterThanOrEqualTo(4);
      long sum = 0;
      for (JsonNode r : rows) {
        sum += r.path("total_tokens").asLong();
        long lower = r.path("lower_bound").path("total_tokens").asLong();
        long upper = r.path("upper_bound").path("total_tokens").asLong();
        assertThat(lower).isLessThanOrEqualTo(r.path("total_tokens").asLong());
        assertThat(upper).isGreaterThanOrEqualTo(r.path("total_tokens").asLong());
        assertThat(r.path("cost_status").asText()).isEqualTo("PRICED");
      }
      assertThat(rows.get(0).path("key").path("step").asText()).isEqualTo("1 s1");
      assertThat(rows.get(0).path("exactness").asText()).isEqualTo("apportioned");
      assertThat(sum).isEqualTo(served(lab).total());
      assertThat(table.out()).contains("apportioned").contains("total bounds");
    }
  }

  @Test
  void aModelWithoutPriceIsUnpricedInEveryFormatAndMakesTheTotalPartial() throws Exception {
    try (ReportLab lab = lab()) {
      lab.chat("chatdev", T0.plusSeconds(20));
      lab.chat("chatdev", T0.plusSeconds(40), ReportLab.UNKNOWN_MODEL);
      lab.run("chatdev", T0.plusSeconds(5), T0.plusSeconds(115));
      lab.settle();
      String db = lab.db.toString();

      CliHarness.Result table = cli(lab).run("report", "--db", db, "--by", "model");
      JsonNode report =
          json(cli(lab).run("report", "--db", db, "--by", "model", "--format", "json"));
      CliHarness.Result csv =
          cli(lab).run("report", "--db", db, "--by", "model", "--format", "csv");

      String unknown = ReportLab.UNKNOWN_MODEL + "-2025-01-01";
      JsonNode unpriced = null;
      for (JsonNode r : report.path("rows")) {
        if (r.path("key").path("model").asText().equals(unknown)) {
          unpriced = r;
        }
      }
      assertThat(unpriced).isNotNull();
      assertThat(unpriced.path("cost_status").asText()).isEqualTo("UNPRICED");
      assertThat(unpriced.path("cost_usd").isNull()).isTrue();
      assertThat(report.path("total").path("cost_status").asText()).isEqualTo("PARTIAL");
      assertThat(report.path("total").path("unpriced_models").get(0).asText()).isEqualTo(unknown);
      assertThat(table.out())
          .containsPattern(unknown + " .*UNPRICED")
          .containsPattern("TOTAL .*\\(partial\\)");
      assertThat(csv.out().lines().filter(l -> l.startsWith(unknown)).findFirst().orElseThrow())
          .contains(",UNPRICED,");
      assertThat(csv.out().lines().filter(l -> l.startsWith("TOTAL")).findFirst().orElseThrow())
          .contains(",PARTIAL,");
    }
  }

  @Test
  void jsonOfEveryGroupingMatchesTheSchemaAndCsvStartsWithItsHeader() throws Exception {
    try (ReportLab lab = lab()) {
      fiveRuns(lab);
      String db = lab.db.toString();

      for (String by : List.of("run", "step", "framework", "model", "day", "framework,model")) {
        CliHarness.Result json = cli(lab).run("report", "--db", db, "--by", by, "--format", "json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(JsonSchemas.validate("report.schema.json", json.out())).as(by).isEmpty();
      }
      CliHarness.Result csv =
          cli(lab).run("report", "--db", db, "--by", "framework,model", "--format", "csv");
      assertThat(csv.out().lines().findFirst().orElseThrow())
          .isEqualTo(
              "framework,model,input_tokens,input_cached_tokens,output_tokens,total_tokens,"
                  + "requests,cost_usd,cost_status,cost_source,unpriced_models,cache_hit_rate,status,"
                  + "exactness,lower_total_tokens,upper_total_tokens,price_table_version,"
                  + "metered_runs,unmetered_runs,unmetered_total_tokens,usage_unknown_requests");
      assertThat(csv.out().lines().count()).isEqualTo(4);
    }
  }

  @Test
  void chartAndOutputFilesAreWrittenAndTheChartIsAnImageOfTheExpectedSize() throws Exception {
    try (ReportLab lab = lab()) {
      fiveRuns(lab);
      Path png = dir.resolve("charts/cost.png");
      Path svg = dir.resolve("tokens.svg");
      Path out = dir.resolve("report.csv");

      CliHarness.Result byFramework =
          cli(lab)
              .run(
                  "report",
                  "--db",
                  lab.db.toString(),
                  "--by",
                  "framework",
                  "--chart",
                  png.toString(),
                  "--format",
                  "csv",
                  "--output",
                  out.toString());
      CliHarness.Result byDay =
          cli(lab)
              .run("report", "--db", lab.db.toString(), "--by", "day", "--chart", svg.toString());

      assertThat(byFramework.exitCode()).as(byFramework.err()).isZero();
      assertThat(byFramework.out()).isEmpty();
      assertThat(Files.readString(out)).startsWith("framework,input_tokens").contains("chatdev");
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image.getWidth()).isEqualTo(1000);
      assertThat(image.getHeight()).isEqualTo(600);
      assertThat(byDay.exitCode()).as(byDay.err()).isZero();
      assertThat(Files.readString(svg)).contains("<svg");
      // where the chart went is said on stderr, as the demo says it
      assertThat(byFramework.err())
          .contains(
              "tokenledger: chart written to "
                  + png
                  + " (cost per run by framework, with its 95 % interval)");
      assertThat(byDay.err())
          .contains("tokenledger: chart written to " + svg + " (tokens per day by framework)");
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
      }
    }
  }

  @Test
  void runsNotFinalYetAreMarkedAndTheHeaderSaysSo() throws Exception {
    try (ReportLab lab = lab()) {
      lab.chat("chatdev", T0.plusSeconds(20));
      lab.chat("chatdev", T0.plusSeconds(40));
      String run = lab.run("chatdev", T0.plusSeconds(5), T0.plusSeconds(55));
      lab.clock.set(T0.plusSeconds(600));
      lab.passOnce();
      ReconcileStatus status = lab.ledger.run(run).reconcileStatus();

      CliHarness.Result table = cli(lab).run("report", "--db", lab.db.toString());
      JsonNode report = json(cli(lab).run("report", "--db", lab.db.toString(), "--format", "json"));

      assertThat(status).isNotEqualTo(ReconcileStatus.FINAL);
      assertThat(report.path("rows")).hasSize(1);
      assertThat(report.path("includes_not_final").asBoolean()).isTrue();
      assertThat(report.path("rows").get(0).path("status").asText()).isEqualTo("not_final");
      assertThat(table.out().lines().skip(1).findFirst().orElseThrow())
          .startsWith("Not final: 1 run(s)");
      assertThat(table.out()).contains("not final *");
      JsonNode onlyFinal =
          json(
              cli(lab)
                  .run(
                      "report",
                      "--db",
                      lab.db.toString(),
                      "--status",
                      "final",
                      "--format",
                      "json"));
      assertThat(onlyFinal.path("rows")).isEmpty();
    }
  }

  @Test
  void filtersOnFrameworkAndRunStartSelectTheRunsReported() throws Exception {
    try (ReportLab lab = lab()) {
      List<String> ids = fiveRuns(lab);
      String db = lab.db.toString();

      JsonNode fromFourth =
          json(
              cli(lab)
                  .run(
                      "report",
                      "--db",
                      db,
                      "--from",
                      T0.plusSeconds(540).toString(),
                      "--format",
                      "json"));
      JsonNode chatdevBefore =
          json(
              cli(lab)
                  .run(
                      "report",
                      "--db",
                      db,
                      "--framework",
                      "chatdev",
                      "--to",
                      T0.plusSeconds(360).toString(),
                      "--format",
                      "json"));

      List<String> later = new ArrayList<>();
      fromFourth.path("rows").forEach(r -> later.add(r.path("key").path("run").asText()));
      assertThat(later).containsExactly(ids.get(3), ids.get(4));
      List<String> early = new ArrayList<>();
      chatdevBefore.path("rows").forEach(r -> early.add(r.path("key").path("run").asText()));
      assertThat(early).containsExactly(ids.get(0), ids.get(1));
    }
  }

  @Test
  void runsWithoutReconciledFiguresAreNotReportedAsAFinalZeroTotal() throws Exception {
    try (ReportLab lab = lab()) {
      lab.chat("chatdev", T0.plusSeconds(20));
      lab.run("chatdev", T0.plusSeconds(5), T0.plusSeconds(55));
      lab.run("baes", T0.plusSeconds(65), T0.plusSeconds(115));
      String db = lab.db.toString();

      CliHarness.Result table = cli(lab).run("report", "--db", db, "--by", "framework");
      CliHarness.Result json =
          cli(lab).run("report", "--db", db, "--by", "framework", "--format", "json");
      CliHarness.Result csv =
          cli(lab).run("report", "--db", db, "--by", "framework", "--format", "csv");

      assertThat(table.exitCode()).as(table.err()).isZero();
      assertThat(table.out().lines().toList())
          .hasSize(2)
          .last()
          .isEqualTo(
              "Nothing to report: 2 run(s) recorded, none reconciled yet: run tokenledger"
                  + " reconcile.");
      assertThat(table.out()).doesNotContain("TOTAL").doesNotContain("final");
      assertThat(JsonSchemas.validate("report.schema.json", json.out())).isEmpty();
      JsonNode report = json(json);
      assertThat(report.path("rows")).isEmpty();
      assertThat(report.path("total").isNull()).isTrue();
      assertThat(report.path("runs_without_figures").asInt()).isEqualTo(2);
      assertThat(report.path("includes_not_final").asBoolean()).isFalse();
      assertThat(json.err()).contains("nothing to report: 2 run(s) recorded, none reconciled yet");
      assertThat(csv.exitCode()).as(csv.err()).isZero();
      assertThat(csv.out().lines().toList())
          .singleElement()
          .asString()
          .startsWith("framework,input_tokens,");
    }
  }

  @Test
  void filtersThatSelectNoRunSayNoRunsMatchAndAnEmptyLedgerSaysNoneIsRecorded() throws Exception {
    try (ReportLab lab = lab()) {
      String db = lab.db.toString();
      CliHarness.Result empty = cli(lab).run("report", "--db", db);
      lab.chat("chatdev", T0.plusSeconds(20));
      lab.run("chatdev", T0.plusSeconds(5), T0.plusSeconds(55));
      lab.settle();

      CliHarness.Result table = cli(lab).run("report", "--db", db, "--framework", "ghspec");
      CliHarness.Result json =
          cli(lab).run("report", "--db", db, "--framework", "ghspec", "--format", "json");
      Path chart = dir.resolve("none.png");
      CliHarness.Result charted =
          cli(lab).run("report", "--db", db, "--framework", "ghspec", "--chart", chart.toString());

      assertThat(empty.exitCode()).as(empty.err()).isZero();
      assertThat(empty.out()).contains("Nothing to report: no runs recorded yet");
      assertThat(table.exitCode()).as(table.err()).isZero();
      assertThat(table.out().lines().toList())
          .hasSize(2)
          .last()
          .isEqualTo("Nothing to report: no runs match the filters.");
      assertThat(JsonSchemas.validate("report.schema.json", json.out())).isEmpty();
      JsonNode report = json(json);
      assertThat(report.path("rows")).isEmpty();
      assertThat(report.path("total").isNull()).isTrue();
      assertThat(report.path("runs_without_figures").asInt()).isZero();
      assertThat(charted.exitCode()).as(charted.err()).isZero();
      assertThat(charted.err()).contains("no chart written to " + chart);
      assertThat(chart).doesNotExist();
    }
  }

  @Test
  void anUnknownGroupingIsRefusedWithTheOnesThatExist() {
    try (ReportLab lab = lab()) {
      CliHarness.Result r = cli(lab).run("report", "--db", lab.db.toString(), "--by", "week");

      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.err())
          .contains("--by 'week'")
          .contains("run, step, framework, model, day, key, project or month");
    }
  }

  @Test
  void aReportWhereThereIsNoLedgerSaysWhereItLookedAndCreatesNone() {
    Path elsewhere = dir.resolve("not-an-experiment");

    CliHarness.Result result = new CliHarness(elsewhere).run("report", "--by", "framework");

    assertThat(result.exitCode()).isEqualTo(dev.tokenledger.cli.shared.ExitCode.CONFIG);
    assertThat(result.err())
        .contains("there is no ledger at " + elsewhere.resolve(".tokenledger/ledger.db"))
        .contains("--db");
    assertThat(result.err().lines().count()).isEqualTo(1);
    assertThat(elsewhere.resolve(".tokenledger")).doesNotExist();
  }
}
