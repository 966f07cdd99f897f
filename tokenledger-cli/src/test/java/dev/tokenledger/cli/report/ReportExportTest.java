package dev.tokenledger.cli.report;

import static dev.tokenledger.cli.report.ReportLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.PriceTable;
import dev.tokenledger.recording.GenaiDevbenchImporter;
import dev.tokenledger.recording.ImportReport;
import dev.tokenledger.sim.ServedUsage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenledger report --export genai-devbench}: a copy of the genai-devbench fixture tree is
 * imported, its runs' traffic reconciled on the simulator, and the figures written back.
 */
class ReportExportTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Path FIXTURE =
      Path.of("..", "tokenledger-core", "src", "test", "resources", "genai-devbench", "current");
  private static final String CHATDEV_RUN =
      "runs/chatdev/11111111-0000-4000-8000-00000000000a/metrics.json";

  @TempDir Path dir;

  private Path experiment() throws IOException {
    Path target = dir.resolve("experiment");
    try (Stream<Path> files = Files.walk(FIXTURE)) {
      for (Path f : files.toList()) {
        Path to = target.resolve(FIXTURE.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  /**
   * Imports the copy with the lab's framework keys; chatdev and baes make requests in their runs.
   */
  private static ImportReport importWithTraffic(ReportLab lab, Path experiment) {
    Map<String, String> keys =
        Map.of(
            "chatdev", lab.key("chatdev").id(),
            "baes", lab.key("baes").id(),
            "ghspec", lab.key("ghspec").id());
    ImportReport imported =
        new GenaiDevbenchImporter(lab.ledger, keys).importFrom(experiment, "fixture");
    lab.chat("chatdev", T0.plusSeconds(30));
    lab.chat("chatdev", T0.plusSeconds(110), "gpt-4o");
    lab.chat("baes", T0.plusSeconds(130));
    lab.chat("baes", T0.plusSeconds(170));
    return imported;
  }

  private CliHarness.Result export(ReportLab lab, Path experiment) {
    return new CliHarness(dir)
        .clock(lab.clock)
        .run(
            "report",
            "--db",
            lab.db.toString(),
            "--export",
            "genai-devbench",
            experiment.toString());
  }

  private static TokenCounts served(ReportLab lab, String framework) {
    String key = lab.key(framework).id();
    return lab.sim.served().stream()
        .filter(u -> key.equals(u.apiKeyId()))
        .map(ServedUsage::counts)
        .reduce(TokenCounts.ZERO, TokenCounts::plus);
  }

  private static BigDecimal servedCost(ReportLab lab, String framework) {
    CostCalculator calculator = new CostCalculator(PriceTable.defaultTable());
    String key = lab.key(framework).id();
    return lab.sim.served().stream()
        .filter(u -> key.equals(u.apiKeyId()))
        .map(u -> calculator.cost(u.model(), u.counts()).total().orElseThrow())
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static JsonNode read(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void exportWritesTheReconciledFiguresIntoEachImportedRunsMetricsFile() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      JsonNode before = read(experiment.resolve(CHATDEV_RUN));
      ImportReport imported = importWithTraffic(lab, experiment);
      lab.settle();

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.out()).isEmpty();
      assertThat(result.err())
          .contains("exported " + imported.runIds().size() + " run(s)")
          .contains("skipped 0");
      JsonNode chatdev = read(experiment.resolve(CHATDEV_RUN));
      TokenCounts tokens = served(lab, "chatdev");
      JsonNode metrics = chatdev.path("aggregate_metrics");
      assertThat(metrics.path("TOK_IN").asLong()).isEqualTo(tokens.input()).isPositive();
      assertThat(metrics.path("TOK_OUT").asLong()).isEqualTo(tokens.output());
      assertThat(metrics.path("API_CALLS").asLong()).isEqualTo(2);
      assertThat(metrics.path("CACHED_TOKENS").asLong()).isEqualTo(tokens.cachedInput());
      assertThat(metrics.path("COST_USD").decimalValue())
          .isEqualByComparingTo(servedCost(lab, "chatdev").setScale(10, RoundingMode.HALF_UP));
      assertThat(metrics.path("UTT").asInt()).isEqualTo(2);
      JsonNode cost = chatdev.path("cost_breakdown");
      assertThat(
              cost.path("uncached_input_cost")
                  .decimalValue()
                  .add(cost.path("cached_input_cost").decimalValue())
                  .add(cost.path("output_cost").decimalValue()))
          .isEqualByComparingTo(metrics.path("COST_USD").decimalValue());
      assertThat(cost.path("model").asText()).isEqualTo("gpt-4o-2024-08-06,gpt-4o-mini-2024-07-18");
      assertThat(cost.path("cache_savings").decimalValue()).isNotNegative();
      JsonNode reconciliation = chatdev.path("usage_api_reconciliation");
      assertThat(reconciliation.path("verification_status").asText()).isEqualTo("verified");
      assertThat(reconciliation.path("verification_message").asText())
          .contains(tokens.input() + " input");
      assertThat(reconciliation.path("verified_at").asText()).endsWith("Z");
      // what export does not own stays where and as it was
      assertThat(chatdev.path("a_field_from_the_future"))
          .isEqualTo(before.path("a_field_from_the_future"));
      assertThat(chatdev.path("steps")).isEqualTo(before.path("steps"));
      assertThat(chatdev.path("verification_status").asText()).isEqualTo("pending");
      assertThat(fieldNames(chatdev).subList(0, fieldNames(before).size()))
          .isEqualTo(fieldNames(before));
      assertThat(Files.readString(experiment.resolve(CHATDEV_RUN)))
          .contains("\n  \"a_field_from_the_future\": {\n    \"kept\": true\n  }");

      JsonNode baes =
          read(experiment.resolve("runs/baes/22222222-0000-4000-8000-00000000000b/metrics.json"));
      assertThat(baes.path("aggregate_metrics").path("TOK_IN").asLong())
          .isEqualTo(served(lab, "baes").input());
      assertThat(baes.path("aggregate_metrics").path("AEI").asDouble())
          .isZero(); // no AUTR in the file: AEI is not invented
    }
  }

  @Test
  void aeiIsAutrOverTheLogOfOnePlusInputTokens() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      Path file = experiment.resolve(CHATDEV_RUN);
      Files.writeString(
          file, Files.readString(file).replace("{\"UTT\": 2,", "{\"UTT\": 2, \"AUTR\": 0.5,"));
      importWithTraffic(lab, experiment);
      lab.settle();

      assertThat(export(lab, experiment).exitCode()).isZero();

      JsonNode metrics = read(file).path("aggregate_metrics");
      assertThat(metrics.path("AEI").asDouble())
          .isCloseTo(
              0.5 / Math.log1p(metrics.path("TOK_IN").asLong()),
              org.assertj.core.data.Offset.offset(1e-12));
      assertThat(metrics.path("AUTR").decimalValue()).isEqualByComparingTo("0.5");
    }
  }

  @Test
  void runsWithoutReconciledFiguresAreSkippedAndTheirFilesLeftAlone() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      String before = Files.readString(experiment.resolve(CHATDEV_RUN));
      ImportReport imported = importWithTraffic(lab, experiment);

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.err())
          .contains("exported 0 run(s)")
          .contains("skipped " + imported.runIds().size());
      assertThat(Files.readString(experiment.resolve(CHATDEV_RUN))).isEqualTo(before);
    }
  }

  @Test
  void aSecondExportLeavesEveryFileByteForByteAsTheFirstWroteIt() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      importWithTraffic(lab, experiment);
      lab.settle();
      assertThat(export(lab, experiment).exitCode()).isZero();
      String first = Files.readString(experiment.resolve(CHATDEV_RUN));

      lab.clock.advance(java.time.Duration.ofHours(1));
      assertThat(export(lab, experiment).exitCode()).isZero();

      assertThat(Files.readString(experiment.resolve(CHATDEV_RUN))).isEqualTo(first);
      try (Stream<Path> left = Files.list(experiment.resolve(CHATDEV_RUN).getParent())) {
        assertThat(left.map(p -> p.getFileName().toString())).containsExactly("metrics.json");
      }
    }
  }

  @Test
  void anUnknownExportFormatIsRefusedNamingTheOneThereIs() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      CliHarness.Result result =
          new CliHarness(dir)
              .clock(lab.clock)
              .run("report", "--db", lab.db.toString(), "--export", "mlflow", dir.toString());

      assertThat(result.exitCode()).isNotZero();
      assertThat(result.err()).contains("--export genai-devbench DIR");
    }
  }
}
