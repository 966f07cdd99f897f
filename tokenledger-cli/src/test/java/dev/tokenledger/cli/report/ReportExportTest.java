package dev.tokenledger.cli.report;

import static dev.tokenledger.cli.report.ReportLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.ledger.MeterSpill;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.QuickSettling;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.recording.GenaiDevbenchImporter;
import dev.tokenledger.recording.ImportReport;
import dev.tokenledger.recording.LedgerMeterSink;
import dev.tokenledger.sim.ServedUsage;
import dev.tokenledger.sim.SimKey;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenledger report --export genai-devbench}: a copy of a genai-devbench tree is imported,
 * its runs' traffic reconciled (or not) on the simulator, and what the ledger knows written back:
 * figures where there are some, otherwise a status that says why not, never a zero.
 */
class ReportExportTest {
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();
  private static final Path FIXTURE =
      Path.of("..", "tokenledger-core", "src", "test", "resources", "genai-devbench", "current");
  private static final Path EXAMPLE = Path.of("src", "test", "resources", "genai-devbench-example");
  private static final String CHATDEV_RUN =
      "runs/chatdev/11111111-0000-4000-8000-00000000000a/metrics.json";
  private static final String BAES_RUN =
      "runs/baes/22222222-0000-4000-8000-00000000000b/metrics.json";
  private static final String GHSPEC_RUN =
      "runs/ghspec/33333333-0000-4000-8000-00000000000c/metrics.json";
  private static final String MANIFEST = "runs/manifest.json";

  @TempDir Path dir;

  private Path copy(Path from) throws IOException {
    Path target = dir.resolve("experiment");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path to = target.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  private Path experiment() throws IOException {
    return copy(FIXTURE);
  }

  private static Map<String, String> keys(ReportLab lab, String... frameworks) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (String f : frameworks) {
      keys.put(f, lab.key(f).id());
    }
    return keys;
  }

  private static ImportReport importFrom(ReportLab lab, Path experiment, Map<String, String> keys) {
    return new GenaiDevbenchImporter(lab.ledger, keys).importFrom(experiment, "fixture");
  }

  /**
   * Imports the copy with the lab's framework keys; chatdev and baes make requests in their runs,
   * chatdev with two models, baes twice with one long prompt (its repeat is served partly cached).
   */
  private static ImportReport importWithTraffic(ReportLab lab, Path experiment) {
    ImportReport imported = importFrom(lab, experiment, keys(lab, "chatdev", "baes", "ghspec"));
    lab.chat("chatdev", T0.plusSeconds(30));
    lab.chat("chatdev", T0.plusSeconds(110), "gpt-4o");
    lab.chatWithBrief("baes", T0.plusSeconds(130), "gpt-4o-mini");
    lab.chatWithBrief("baes", T0.plusSeconds(170), "gpt-4o-mini");
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

  /** One forced pass over every run, reading the Usage API with {@code reader}. */
  private static void passWith(ReportLab lab, SimKey reader) {
    OpenAiAdminClient client =
        OpenAiAdminClient.builder()
            .baseUrl(lab.sim.baseUrl().toString())
            .adminKey(reader.apiKey())
            .clock(lab.clock)
            .sleeper(lab.clock::advance)
            .build();
    Reconciler.builder(lab.ledger, client)
        .settings(QuickSettling.SETTINGS)
        .clock(lab.clock)
        .build()
        .pass(PassRequest.notFinal().withForce(true));
  }

  /** A key the Usage API refuses: a project key has no api.usage.read scope. */
  private static SimKey refusedReader(ReportLab lab) {
    return lab.sim.register(SimKey.project("not a usage reader (fake)", "proj_chatdev"));
  }

  private static List<ServedUsage> served(ReportLab lab, String framework) {
    String key = lab.key(framework).id();
    return lab.sim.served().stream().filter(u -> key.equals(u.apiKeyId())).toList();
  }

  private static TokenCounts tokens(List<ServedUsage> usage) {
    return usage.stream().map(ServedUsage::counts).reduce(TokenCounts.ZERO, TokenCounts::plus);
  }

  private static BigDecimal cost(List<ServedUsage> usage) {
    CostCalculator calculator = new CostCalculator(PriceFiles.defaultTable());
    return usage.stream()
        .map(u -> calculator.cost(u.model(), u.counts()).total().orElseThrow())
        .reduce(BigDecimal.ZERO, BigDecimal::add)
        .setScale(10, RoundingMode.HALF_UP);
  }

  private static JsonNode read(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Map<Path, String> contents(Path root) throws IOException {
    Map<Path, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(f), Files.readString(f));
      }
    }
    return files;
  }

  private static BigDecimal sum(JsonNode node, String... fields) {
    BigDecimal total = BigDecimal.ZERO;
    for (String f : fields) {
      total = total.add(node.path(f).decimalValue());
    }
    return total;
  }

  @Test
  void exportWritesTheReconciledFiguresIntoEachImportedRunsMetricsFile() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      JsonNode before = read(experiment.resolve(CHATDEV_RUN));
      importWithTraffic(lab, experiment);
      lab.settle();

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.out()).isEmpty();
      assertThat(result.err())
          .contains(
              "tokenledger: exported 3 run(s) to genai-devbench: 3 verified;"
                  + " 0 without metrics.json; 2 set in runs/manifest.json");
      JsonNode chatdev = read(experiment.resolve(CHATDEV_RUN));
      TokenCounts tokens = tokens(served(lab, "chatdev"));
      JsonNode metrics = chatdev.path("aggregate_metrics");
      assertThat(metrics.path("TOK_IN").asLong()).isEqualTo(tokens.input()).isPositive();
      assertThat(metrics.path("TOK_OUT").asLong()).isEqualTo(tokens.output());
      assertThat(metrics.path("API_CALLS").asLong()).isEqualTo(2);
      assertThat(metrics.path("CACHED_TOKENS").asLong()).isEqualTo(tokens.cachedInput());
      assertThat(metrics.path("COST_USD").decimalValue())
          .isEqualByComparingTo(cost(served(lab, "chatdev")));
      assertThat(metrics.path("UTT").asInt()).isEqualTo(2);
      JsonNode cost = chatdev.path("cost_breakdown");
      assertThat(sum(cost, "uncached_input_cost", "cached_input_cost", "output_cost"))
          .isEqualByComparingTo(metrics.path("COST_USD").decimalValue());
      assertThat(cost.path("cache_savings").decimalValue()).isNotNegative();
      assertThat(cost.path("cost_status").asText()).isEqualTo("priced");
      assertThat(cost.path("price_table").asText()).isEqualTo(PriceFiles.defaultTable().version());
      JsonNode reconciliation = chatdev.path("usage_api_reconciliation");
      assertThat(fieldNames(reconciliation))
          .containsExactly(
              "verification_status", "verification_message", "verified_at", "attempts");
      assertThat(reconciliation.path("verification_status").asText()).isEqualTo("verified");
      assertThat(reconciliation.path("verification_message").asText())
          .contains(tokens.input() + " input", "reconcile status final");
      assertThat(reconciliation.path("verified_at").asText()).endsWith("Z");
      JsonNode attempt = reconciliation.path("attempts").get(0);
      assertThat(reconciliation.path("attempts")).hasSize(1);
      assertThat(attempt.path("timestamp").asText())
          .isEqualTo(reconciliation.path("verified_at").asText());
      assertThat(attempt.path("total_tokens_in").asLong()).isEqualTo(tokens.input());
      assertThat(attempt.path("total_tokens_out").asLong()).isEqualTo(tokens.output());
      assertThat(attempt.path("total_api_calls").asLong()).isEqualTo(2);
      assertThat(attempt.path("total_cached_tokens").asLong()).isEqualTo(tokens.cachedInput());
      // the run is 10:00:00.25 to 10:03:00.5; its figures count the whole minutes it touches
      assertThat(attempt.path("query_window").path("start").asLong())
          .isEqualTo(T0.getEpochSecond());
      assertThat(attempt.path("query_window").path("end").asLong())
          .isEqualTo(T0.plusSeconds(240).getEpochSecond());
      assertThat(attempt.path("query_window").path("buffer_seconds").asLong()).isZero();
      assertThat(attempt.path("source").asText()).isEqualTo("tokenledger");
      // what export does not own stays where and as it was
      assertThat(chatdev.path("a_field_from_the_future"))
          .isEqualTo(before.path("a_field_from_the_future"));
      // the steps keep every field and gain their figures under "tokenledger" (see below)
      for (int i = 0; i < before.path("steps").size(); i++) {
        JsonNode step = chatdev.path("steps").get(i).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) step).remove("tokenledger");
        assertThat(step).isEqualTo(before.path("steps").get(i));
      }
      assertThat(chatdev.path("verification_status").asText()).isEqualTo("pending");
      assertThat(fieldNames(chatdev).subList(0, fieldNames(before).size()))
          .isEqualTo(fieldNames(before));
      assertThat(Files.readString(experiment.resolve(CHATDEV_RUN)))
          .contains("\n  \"a_field_from_the_future\": {\n    \"kept\": true\n  }");

      JsonNode baes = read(experiment.resolve(BAES_RUN));
      TokenCounts baesTokens = tokens(served(lab, "baes"));
      assertThat(baes.path("aggregate_metrics").path("TOK_IN").asLong())
          .isEqualTo(baesTokens.input());
      assertThat(baes.path("aggregate_metrics").path("CACHED_TOKENS").asLong())
          .isEqualTo(baesTokens.cachedInput())
          .isPositive();
      // cached input is priced at the cache price, and what that saved is written beside it
      assertThat(baes.path("aggregate_metrics").path("COST_USD").decimalValue())
          .isEqualByComparingTo(cost(served(lab, "baes")));
      assertThat(baes.path("cost_breakdown").path("cached_input_cost").decimalValue()).isPositive();
      assertThat(baes.path("cost_breakdown").path("cache_savings").decimalValue()).isPositive();
      assertThat(baes.path("aggregate_metrics").has("AEI"))
          .as("no AUTR in the file: AEI is not invented")
          .isFalse();
      // ghspec made no requests in a window that was read: a measured zero
      JsonNode ghspec = read(experiment.resolve(GHSPEC_RUN));
      assertThat(ghspec.path("aggregate_metrics").path("TOK_IN").asLong()).isZero();
      assertThat(ghspec.path("aggregate_metrics").path("COST_USD").decimalValue())
          .isEqualByComparingTo("0");
      assertThat(ghspec.path("usage_api_reconciliation").path("verification_status").asText())
          .isEqualTo("verified");
    }
  }

  @Test
  void eachStepGetsItsTokensRequestsAndBasisWithBoundsWhenApportioned() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      importWithTraffic(lab, experiment);
      lab.settle();

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      JsonNode chatdev = read(experiment.resolve(CHATDEV_RUN));
      TokenCounts run = tokens(served(lab, "chatdev"));
      long input = 0;
      long output = 0;
      long calls = 0;
      List<String> bases = new ArrayList<>();
      for (JsonNode step : chatdev.path("steps")) {
        JsonNode t = step.path("tokenledger");
        assertThat(fieldNames(t))
            .containsExactly(
                "tokens_in",
                "tokens_out",
                "cached_tokens",
                "api_calls",
                "basis",
                "bounds",
                "verification_status");
        input += t.path("tokens_in").asLong();
        output += t.path("tokens_out").asLong();
        calls += t.path("api_calls").asLong();
        bases.add(t.path("basis").asText());
        assertThat(t.path("verification_status").asText()).isEqualTo("verified");
        if (t.path("basis").asText().equals("apportioned")) {
          JsonNode bounds = t.path("bounds");
          assertThat(bounds.path("lower").path("tokens_in").asLong())
              .isLessThanOrEqualTo(t.path("tokens_in").asLong());
          assertThat(bounds.path("upper").path("tokens_in").asLong())
              .isGreaterThanOrEqualTo(t.path("tokens_in").asLong());
        } else {
          assertThat(t.path("basis").asText()).isEqualTo("exact");
          assertThat(t.path("bounds").isNull()).isTrue();
        }
      }
      JsonNode outside = chatdev.path("usage_api_reconciliation").path("outside_steps");
      // step 2's request at 10:01:50 shares the minute 10:01 with step 1: split between them
      assertThat(bases).contains("apportioned");
      assertThat(input + outside.path("tokens_in").asLong()).isEqualTo(run.input());
      assertThat(output + outside.path("tokens_out").asLong()).isEqualTo(run.output());
      assertThat(calls + outside.path("api_calls").asLong()).isEqualTo(run.requests());
    }
  }

  @Test
  void theManifestEntriesOfExportedRunsStopSayingZeroAndEverythingElseInItStays() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      JsonNode before = read(experiment.resolve(MANIFEST));
      importWithTraffic(lab, experiment);
      lab.settle();

      assertThat(export(lab, experiment).exitCode()).isZero();

      JsonNode manifest = read(experiment.resolve(MANIFEST));
      TokenCounts chatdev = tokens(served(lab, "chatdev"));
      JsonNode entry = manifest.path("runs").get(0);
      assertThat(entry.path("run_id").asText()).isEqualTo("11111111-0000-4000-8000-00000000000a");
      assertThat(entry.path("verification_status").asText()).isEqualTo("verified");
      assertThat(entry.path("total_tokens_in").asLong()).isEqualTo(chatdev.input()).isPositive();
      assertThat(entry.path("total_tokens_out").asLong()).isEqualTo(chatdev.output());
      JsonNode ghspec = manifest.path("runs").get(1);
      assertThat(ghspec.path("verification_status").asText()).isEqualTo("verified");
      assertThat(ghspec.path("total_tokens_in").asLong()).isZero();
      // run 55…e was never imported (its metrics.json is broken): its entry is not touched
      assertThat(manifest.path("runs").get(2)).isEqualTo(before.path("runs").get(2));
      // stamped as genai-devbench stamps it: microseconds and a Z
      assertThat(manifest.path("last_updated").asText())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
      assertThat(Instant.parse(manifest.path("last_updated").asText()))
          .isEqualTo(lab.clock.instant().truncatedTo(ChronoUnit.MICROS));
      for (int i = 0; i < 2; i++) {
        JsonNode was = before.path("runs").get(i);
        JsonNode now = manifest.path("runs").get(i);
        assertThat(fieldNames(now)).isEqualTo(fieldNames(was));
        for (String field : List.of("run_id", "framework", "path", "start_time", "end_time")) {
          assertThat(now.path(field)).as(field).isEqualTo(was.path(field));
        }
      }
      for (String field : List.of("version", "total_runs", "frameworks")) {
        assertThat(manifest.path(field)).as(field).isEqualTo(before.path(field));
      }
      assertThat(fieldNames(manifest)).isEqualTo(fieldNames(before));
    }
  }

  @Test
  void aRunStillWaitingForTheUsageApiIsMarkedPendingAndNothingIsZeroed() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      String manifestBefore = Files.readString(experiment.resolve(MANIFEST));
      Path file = experiment.resolve(CHATDEV_RUN);
      Files.writeString(
          file, Files.readString(file).replace("\"TOK_IN\": 0,", "\"TOK_IN\": 1234,"));
      JsonNode before = read(file);
      importWithTraffic(lab, experiment);

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.err())
          .contains(
              "exported 3 run(s) to genai-devbench: 3 pending; 0 without metrics.json;"
                  + " 2 set in runs/manifest.json");
      JsonNode chatdev = read(file);
      JsonNode reconciliation = chatdev.path("usage_api_reconciliation");
      assertThat(fieldNames(reconciliation))
          .containsExactly("verification_status", "verification_message");
      assertThat(reconciliation.path("verification_status").asText()).isEqualTo("pending");
      assertThat(reconciliation.path("verification_message").asText())
          .contains("waiting for the Usage API", "no read of this run has succeeded yet");
      // the figures genai-devbench had are not replaced by zeros nobody measured
      assertThat(chatdev.path("aggregate_metrics")).isEqualTo(before.path("aggregate_metrics"));
      assertThat(chatdev.has("cost_breakdown")).isFalse();
      // every entry already said pending: the manifest is not rewritten
      assertThat(Files.readString(experiment.resolve(MANIFEST))).isEqualTo(manifestBefore);
    }
  }

  @Test
  void aMeteredRunIsExportedPendingUntilAuditedThenVerified() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      importFrom(lab, experiment, keys(lab, "chatdev", "baes", "ghspec"));
      String chatdev = lab.ledger.runs(RunQuery.all().withFramework("chatdev")).get(0).id();
      lab.ledger.meterStore().markMetered(chatdev);
      try (LedgerMeterSink sink =
          LedgerMeterSink.open(lab.ledger, new MeterSpill(dir.resolve("spill")), w -> {})) {
        sink.record(lab.meteredChat(chatdev, null, "chatdev", T0.plusSeconds(30), "gpt-4o-mini"));
        sink.record(lab.meteredChat(chatdev, null, "chatdev", T0.plusSeconds(110), "gpt-4o"));
      }
      TokenCounts metered = lab.ledger.meterStore().figures(chatdev).run().counts();

      assertThat(export(lab, experiment).exitCode()).isZero();
      JsonNode before = read(experiment.resolve(CHATDEV_RUN));
      assertThat(before.path("usage_api_reconciliation").path("verification_status").asText())
          .isEqualTo("pending");
      assertThat(before.path("usage_api_reconciliation").path("verification_message").asText())
          .contains("metered", "not yet audited");
      assertThat(before.path("aggregate_metrics").path("TOK_IN").asLong())
          .isEqualTo(metered.input())
          .isPositive();

      lab.settle();
      assertThat(export(lab, experiment).exitCode()).isZero();

      JsonNode after = read(experiment.resolve(CHATDEV_RUN));
      assertThat(after.path("usage_api_reconciliation").path("verification_status").asText())
          .isEqualTo("verified");
      assertThat(after.path("usage_api_reconciliation").path("verification_message").asText())
          .contains("audited by the Usage API");
      assertThat(after.path("aggregate_metrics").path("TOK_OUT").asLong())
          .isEqualTo(metered.output())
          .isEqualTo(tokens(served(lab, "chatdev")).output());
    }
  }

  @Test
  void figuresThatMayStillChangeAreWrittenAsPending() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      importWithTraffic(lab, experiment);
      lab.clock.advance(Duration.ofMinutes(15));
      lab.passOnce();

      assertThat(export(lab, experiment).exitCode()).isZero();

      JsonNode chatdev = read(experiment.resolve(CHATDEV_RUN));
      JsonNode reconciliation = chatdev.path("usage_api_reconciliation");
      assertThat(reconciliation.path("verification_status").asText()).isEqualTo("pending");
      assertThat(reconciliation.path("verification_message").asText())
          .contains("reconcile status settling", "may still add usage");
      assertThat(chatdev.path("aggregate_metrics").path("TOK_IN").asLong())
          .isEqualTo(reconciliation.path("attempts").get(0).path("total_tokens_in").asLong())
          .isPositive();
    }
  }

  @Test
  void runsWhoseUsageCannotBeReadAreMarkedDataNotAvailableSayingWhy() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      // a run whose record has a start and nothing else: it has no window to read
      Path windowless =
          experiment.resolve("runs/chatdev/99999999-0000-4000-8000-000000000009/metrics.json");
      Files.createDirectories(windowless.getParent());
      Files.writeString(
          windowless,
          "{\"run_id\": \"99999999-0000-4000-8000-000000000009\","
              + " \"start_timestamp\": \"2025-10-27T10:30:00.000000Z\", \"steps\": [],"
              + " \"aggregate_metrics\": {\"TOK_IN\": 0, \"COST_USD\": 0.0}}");
      JsonNode ghspecBefore = read(experiment.resolve(GHSPEC_RUN));
      // ghspec's key id was not set at import
      importFrom(lab, experiment, keys(lab, "chatdev", "baes"));

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.err())
          .contains(
              "exported 4 run(s) to genai-devbench: 2 pending, 2 data_not_available;"
                  + " 0 without metrics.json; 2 set in runs/manifest.json");
      JsonNode ghspec = read(experiment.resolve(GHSPEC_RUN));
      assertThat(ghspec.path("usage_api_reconciliation").path("verification_status").asText())
          .isEqualTo("data_not_available");
      assertThat(ghspec.path("usage_api_reconciliation").path("verification_message").asText())
          .contains("without its framework key id", "OPENAI_API_KEY_GHSPEC_ID");
      assertThat(ghspec.has("aggregate_metrics")).isFalse();
      assertThat(ghspec.path("steps")).isEqualTo(ghspecBefore.path("steps"));
      JsonNode noWindow = read(windowless);
      assertThat(noWindow.path("usage_api_reconciliation").path("verification_status").asText())
          .isEqualTo("data_not_available");
      assertThat(noWindow.path("usage_api_reconciliation").path("verification_message").asText())
          .contains("no time window");
      assertThat(noWindow.path("usage_api_reconciliation").has("attempts")).isFalse();
      assertThat(read(experiment.resolve(MANIFEST)).path("runs").get(1).path("verification_status"))
          .hasToString("\"data_not_available\"");
    }
  }

  @Test
  void aRunWhoseReadsAllFailedNamesTheFailureButNeverTheKey() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      JsonNode before = read(experiment.resolve(CHATDEV_RUN));
      importWithTraffic(lab, experiment);
      lab.clock.advance(Duration.ofMinutes(15));
      SimKey reader = refusedReader(lab);
      passWith(lab, reader);

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      JsonNode chatdev = read(experiment.resolve(CHATDEV_RUN));
      JsonNode reconciliation = chatdev.path("usage_api_reconciliation");
      assertThat(reconciliation.path("verification_status").asText())
          .isEqualTo("data_not_available");
      String message = reconciliation.path("verification_message").asText();
      assertThat(message)
          .contains("failed (the Usage API refused the usage key (HTTP 401)")
          .contains("no read has succeeded")
          .doesNotContain(reader.apiKey().redacted())
          .doesNotContain("sk-");
      assertThat(chatdev.path("aggregate_metrics")).isEqualTo(before.path("aggregate_metrics"));
      assertThat(Files.readString(experiment.resolve(CHATDEV_RUN))).doesNotContain("sk-");
    }
  }

  @Test
  void afterAFailedReadTheFiguresBeforeItAreKeptAndTheMessageSaysTheReadFailed() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      importWithTraffic(lab, experiment);
      lab.settle();
      lab.clock.advance(Duration.ofMinutes(5));
      passWith(lab, refusedReader(lab));

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.err()).contains("3 verified");
      JsonNode chatdev = read(experiment.resolve(CHATDEV_RUN));
      JsonNode reconciliation = chatdev.path("usage_api_reconciliation");
      assertThat(reconciliation.path("verification_status").asText()).isEqualTo("verified");
      assertThat(reconciliation.path("verification_message").asText())
          .contains("reconcile status final", "the last read, at ")
          .contains("failed (the Usage API refused the usage key (HTTP 401)")
          .contains(
              "so these are the figures of the read at "
                  + reconciliation.path("verified_at").asText());
      assertThat(chatdev.path("aggregate_metrics").path("TOK_IN").asLong())
          .isEqualTo(tokens(served(lab, "chatdev")).input());
      assertThat(reconciliation.path("attempts")).hasSize(1);
    }
  }

  @Test
  void aReadThatWentDownIsAWarningWithItsFigures() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      importWithTraffic(lab, experiment);
      lab.clock.advance(Duration.ofMinutes(15));
      lab.passOnce();
      // a run of the chatdev key recorded afterwards claims part of the minute of its 2nd request
      lab.run("chatdev", T0.plusSeconds(100), T0.plusSeconds(115), List.<StepSpec>of());
      lab.clock.advance(Duration.ofMinutes(5));
      lab.passOnce();

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.err()).contains("1 warning");
      JsonNode chatdev = read(experiment.resolve(CHATDEV_RUN));
      JsonNode reconciliation = chatdev.path("usage_api_reconciliation");
      assertThat(reconciliation.path("verification_status").asText()).isEqualTo("warning");
      assertThat(reconciliation.path("verification_message").asText())
          .contains("reconcile status warning", "tokenledger reconcile --accept ");
      long written = chatdev.path("aggregate_metrics").path("TOK_IN").asLong();
      assertThat(written).isPositive().isLessThan(tokens(served(lab, "chatdev")).input());
      assertThat(reconciliation.path("attempts").get(0).path("total_tokens_in").asLong())
          .isEqualTo(written);
      assertThat(
              read(experiment.resolve(MANIFEST))
                  .path("runs")
                  .get(0)
                  .path("total_tokens_in")
                  .asLong())
          .isEqualTo(written);
    }
  }

  @Test
  void aRunOfSeveralModelsNamesTheLargestAndListsEachWithItsTokensAndCost() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      importWithTraffic(lab, experiment);
      lab.settle();

      assertThat(export(lab, experiment).exitCode()).isZero();

      Map<String, List<ServedUsage>> byModel = new TreeMap<>();
      for (ServedUsage u : served(lab, "chatdev")) {
        byModel.computeIfAbsent(u.model(), m -> new ArrayList<>()).add(u);
      }
      assertThat(byModel).hasSize(2);
      String largest =
          byModel.entrySet().stream()
              .max(
                  (a, b) ->
                      Long.compare(tokens(a.getValue()).total(), tokens(b.getValue()).total()))
              .orElseThrow()
              .getKey();
      JsonNode chatdev = read(experiment.resolve(CHATDEV_RUN));
      JsonNode cost = chatdev.path("cost_breakdown");
      assertThat(cost.path("model").asText()).isEqualTo(largest);
      JsonNode models = cost.path("models");
      assertThat(models).hasSize(2);
      assertThat(models.get(0).path("model").asText()).isEqualTo(largest);
      BigDecimal total = BigDecimal.ZERO;
      for (JsonNode m : models) {
        List<ServedUsage> usage = byModel.get(m.path("model").asText());
        TokenCounts t = tokens(usage);
        assertThat(m.path("tokens_in").asLong()).isEqualTo(t.input());
        assertThat(m.path("tokens_out").asLong()).isEqualTo(t.output());
        assertThat(m.path("cached_tokens").asLong()).isEqualTo(t.cachedInput());
        assertThat(m.path("api_calls").asLong()).isEqualTo(t.requests());
        assertThat(m.path("cost_usd").decimalValue()).isEqualByComparingTo(cost(usage));
        total = total.add(m.path("cost_usd").decimalValue());
      }
      assertThat(total)
          .isEqualByComparingTo(chatdev.path("aggregate_metrics").path("COST_USD").decimalValue())
          .isEqualByComparingTo(
              sum(cost, "uncached_input_cost", "cached_input_cost", "output_cost"));
    }
  }

  @Test
  void aModelWithoutAPriceMakesTheCostALowerBoundMarkedWarningNeverAZero() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      importFrom(lab, experiment, keys(lab, "chatdev", "baes", "ghspec"));
      lab.chat("chatdev", T0.plusSeconds(30));
      lab.chat("chatdev", T0.plusSeconds(110), ReportLab.UNKNOWN_MODEL);
      lab.chat("baes", T0.plusSeconds(130), ReportLab.UNKNOWN_MODEL);
      lab.settle();

      CliHarness.Result result = export(lab, experiment);

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(result.err()).contains("1 verified, 2 warning");
      // chatdev: one model priced, one not → the priced part, marked partial and warning
      JsonNode chatdev = read(experiment.resolve(CHATDEV_RUN));
      List<ServedUsage> priced =
          served(lab, "chatdev").stream()
              .filter(Predicate.not(u -> u.model().startsWith(ReportLab.UNKNOWN_MODEL)))
              .toList();
      assertThat(chatdev.path("aggregate_metrics").path("COST_USD").decimalValue())
          .isEqualByComparingTo(cost(priced))
          .isPositive();
      JsonNode cost = chatdev.path("cost_breakdown");
      assertThat(cost.path("cost_status").asText()).isEqualTo("partial");
      assertThat(sum(cost, "uncached_input_cost", "cached_input_cost", "output_cost"))
          .isEqualByComparingTo(cost(priced));
      JsonNode unpriced = null;
      for (JsonNode m : cost.path("models")) {
        if (m.path("model").asText().startsWith(ReportLab.UNKNOWN_MODEL)) {
          unpriced = m;
        }
      }
      assertThat(unpriced).isNotNull();
      assertThat(unpriced.path("cost_usd").isNull()).isTrue();
      assertThat(unpriced.path("tokens_in").asLong()).isPositive();
      JsonNode reconciliation = chatdev.path("usage_api_reconciliation");
      assertThat(reconciliation.path("verification_status").asText()).isEqualTo("warning");
      assertThat(reconciliation.path("verification_message").asText())
          .contains("no price for " + ReportLab.UNKNOWN_MODEL)
          .contains("count only the priced models, a lower bound");
      assertThat(chatdev.path("aggregate_metrics").path("TOK_IN").asLong())
          .isEqualTo(tokens(served(lab, "chatdev")).input());

      // baes: nothing priced → its tokens are written, its cost is not
      JsonNode baes = read(experiment.resolve(BAES_RUN));
      assertThat(baes.path("aggregate_metrics").path("TOK_IN").asLong())
          .isEqualTo(tokens(served(lab, "baes")).input());
      assertThat(baes.path("aggregate_metrics").has("COST_USD")).isFalse();
      assertThat(baes.path("cost_breakdown").path("cost_status").asText()).isEqualTo("unpriced");
      assertThat(baes.path("cost_breakdown").has("output_cost")).isFalse();
      assertThat(baes.path("usage_api_reconciliation").path("verification_message").asText())
          .contains("COST_USD and the cost parts were left as they were");
      assertThat(read(experiment.resolve(MANIFEST)).path("runs").get(0).path("verification_status"))
          .hasToString("\"warning\"");
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
  void aSecondExportLeavesEveryFileByteForByteAsTheFirstWroteIt() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = experiment();
      // ghspec without its key id: one data_not_available run beside the verified ones
      importFrom(lab, experiment, keys(lab, "chatdev", "baes"));
      lab.chat("chatdev", T0.plusSeconds(30));
      lab.chat("chatdev", T0.plusSeconds(110), "gpt-4o");
      lab.chat("baes", T0.plusSeconds(130));
      lab.clock.advance(Duration.ofHours(1));
      for (int i = 0; i < 4; i++) {
        lab.passOnce();
        lab.clock.advance(Duration.ofMinutes(6));
      }
      CliHarness.Result first = export(lab, experiment);
      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.err()).contains("2 verified, 1 data_not_available");
      Map<Path, String> written = contents(experiment);

      lab.clock.advance(Duration.ofHours(1));
      CliHarness.Result second = export(lab, experiment);

      assertThat(second.exitCode()).isZero();
      assertThat(contents(experiment)).isEqualTo(written);
    }
  }

  @Test
  void aFileAsGenaiDevbenchWritesItKeepsEveryByteExportDoesNotOwn() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      Path experiment = copy(EXAMPLE);
      Path file =
          experiment.resolve("runs/chatdev/3f1c2a9e-0000-4000-8000-000000000001/metrics.json");
      // Python's json.dump writes non-ASCII escaped, NaN bare, small floats with an exponent
      Files.writeString(
          file,
          Files.readString(file)
              .replace(
                  "\"model\": \"gpt-4o-mini\",\n",
                  "\"model\": \"gpt-4o-mini\",\n  \"operator\": \"Jos\\u00e9 \\u2713\",\n")
              .replace("\"Q_star\": 0.84,", "\"Q_star\": NaN,")
              .replace("\"MC\": 0.8,", "\"MC\": 1e-05,")
              .replace("\"ESR\": 1.0,", "\"ESR\": 1e+20,"));
      String before = Files.readString(file);
      String manifestBefore = Files.readString(experiment.resolve(MANIFEST));
      importWithTraffic(lab, experiment);
      lab.settle();

      assertThat(export(lab, experiment).exitCode()).isZero();

      String after = Files.readString(file);
      // up to the steps, which gain their figures (every line of theirs is kept, below)
      String head = before.substring(0, before.indexOf("  \"steps\""));
      assertThat(after).startsWith(head).contains("\"operator\": \"Jos\\u00e9 \\u2713\",");
      for (String line : before.split("\n")) {
        if (!line.matches(".*\"(TOK_IN|TOK_OUT|API_CALLS|CACHED_TOKENS|AEI|COST_USD)\".*")
            && !line.matches(".*_cost\".*|.*\"cache_savings\".*|.*\"model\": \"gpt-4o-mini\"$")) {
          assertThat(after).as("line kept: " + line).contains(line);
        }
      }
      assertThat(after)
          .contains("\"Q_star\": NaN,", "\"MC\": 1e-05,", "\"ESR\": 1e+20,")
          .endsWith("\n  }\n}");
      // the manifest differs only in what export owns there
      List<String> was = List.of(manifestBefore.split("\n"));
      List<String> now = List.of(Files.readString(experiment.resolve(MANIFEST)).split("\n"));
      assertThat(now).hasSameSizeAs(was);
      for (int i = 0; i < was.size(); i++) {
        if (!was.get(i).equals(now.get(i))) {
          assertThat(was.get(i))
              .containsAnyOf(
                  "\"last_updated\"",
                  "\"verification_status\"",
                  "\"total_tokens_in\"",
                  "\"total_tokens_out\"");
        }
      }
      assertThat(now).contains("      \"verification_status\": \"verified\",");
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
