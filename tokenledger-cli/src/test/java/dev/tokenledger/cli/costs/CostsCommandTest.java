package dev.tokenledger.cli.costs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.JsonSchemas;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import dev.tokenledger.sim.UsageEndpoint;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostsCommandTest {
  static final Instant T0 = Instant.parse("2025-10-26T10:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  SimClock clock;
  OpenAiSimulator sim;
  SimKey admin;
  SimKey chatdev;
  SimKey baes;
  final List<CliHarness.Result> outputs = new ArrayList<>();

  /** The simulator bills with tokenledger's own calculator and price table by default. */
  @BeforeEach
  void startSimulator() {
    clock = SimClock.stepped(T0);
    sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .seed(5)
            .reportingDelay(ReportingDelay.none())
            .build()
            .start();
    admin = sim.register(SimKey.admin("usage reader"));
    sim.addProject("proj_exp", "experiments");
    chatdev = sim.register(SimKey.project("chatdev", "proj_exp"));
    baes = sim.register(SimKey.project("baes", "proj_exp"));
    record(chatdev, "gpt-4o-mini", T0, 100_000, 20_000, 50_000);
    record(baes, "gpt-4o", T0.plusSeconds(60), 40_000, 0, 8_000);
    record(chatdev, "gpt-4o-mini", T0.plus(Duration.ofDays(1)), 10_000, 0, 1_000);
    clock.set(T0.plus(Duration.ofDays(1)).plus(Duration.ofHours(2)));
  }

  @AfterEach
  void noKeyEverPrinted() {
    sim.close();
    for (CliHarness.Result r : outputs) {
      for (SimKey k : List.of(admin, chatdev, baes)) {
        String raw = k.apiKey().revealForChildProcess();
        assertThat(r.out()).doesNotContain(raw);
        assertThat(r.err()).doesNotContain(raw);
      }
    }
  }

  void record(SimKey key, String model, Instant at, long in, long cached, long out) {
    sim.recordUsage(
        UsageEndpoint.COMPLETIONS,
        key,
        at,
        Map.of(
            "model", model,
            "input_tokens", in,
            "input_cached_tokens", cached,
            "output_tokens", out,
            "num_model_requests", 4L));
  }

  CliHarness.Result run(String... args) {
    CliHarness.Result r =
        new CliHarness(dir)
            .clock(clock)
            .env("OPENAI_BASE_URL", sim.baseUrl().toString())
            .env("OPENAI_ADMIN_KEY", admin.apiKey().revealForChildProcess())
            .env("OPENAI_API_KEY_CHATDEV", chatdev.apiKey().revealForChildProcess())
            .env("OPENAI_API_KEY_BAES", baes.apiKey().revealForChildProcess())
            .env("OPENAI_API_KEY_BAES_ID", baes.id())
            .run(args);
    outputs.add(r);
    return r;
  }

  @Test
  void estimatedEqualsBilledWhenBothUseTheSamePriceTable() {
    CliHarness.Result r = run("costs", "--since", "2d");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("2025-10-25 to 2025-10-27 (3 days, UTC):")
        .containsPattern(
            "2025-10-26 +chatdev \\("
                + chatdev.id()
                + "\\) +\\$0\\.0435 +\\$0\\.0435 +\\+\\$0\\.0000 +\\+0\\.0%\n")
        .containsPattern("2025-10-26 +baes \\(" + baes.id() + "\\) +\\$0\\.1800 +\\$0\\.1800 ")
        .containsPattern("2025-10-27 +chatdev .* \\$0\\.0021 +\\$0\\.0021 ")
        .containsPattern("TOTAL +\\$0\\.2256 +\\$0\\.2256 +\\+\\$0\\.0000")
        .doesNotContain("⚠ ");
  }

  @Test
  void aPriceChangedInAnOverrideShowsTheDifferenceAndNamesTheModel() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("prices.json"), "{\"gpt-4o\": {\"output_cost_per_token\": 2e-05}}");

    CliHarness.Result r = run("costs", "--since", "2d", "--prices", file.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern(
            "2025-10-26 +baes .* \\$0\\.1800 +\\$0\\.2600 +\\+\\$0\\.0800 +\\+44\\.4% +⚠")
        .contains(
            "⚠ 2025-10-26 baes ("
                + baes.id()
                + "): the estimate is 44.4% above the bill (+$0.0800); likely causes:")
        .contains(
            "    - gpt-4o, output: billed $10 per 1M tokens, the price table has $20 (gpt-4o)")
        .containsPattern("2025-10-26 +chatdev .* \\+0\\.0% *\n");
  }

  @Test
  void toleranceDecidesWhatIsFlagged() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("prices.json"), "{\"gpt-4o\": {\"output_cost_per_token\": 2e-05}}");

    CliHarness.Result r =
        run("costs", "--since", "2d", "--prices", file.toString(), "--tolerance", "50%");

    assertThat(r.out()).doesNotContain("⚠ ").contains("more than 50%");
  }

  @Test
  void jsonFollowsItsSchemaAndCarriesUnroundedAmounts() throws IOException {
    CliHarness.Result r = run("costs", "--since", "2d", "--format", "json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(JsonSchemas.validate("costs.schema.json", r.out())).as(r.out()).isEmpty();
    JsonNode root = JSON.readTree(r.out());
    JsonNode first = root.get("rows").get(0);
    assertThat(first.get("framework").asText()).isIn("chatdev", "baes");
    assertThat(root.get("total").get("billed").decimalValue()).isEqualByComparingTo("0.2256");
    assertThat(root.get("total").get("estimated").get("status").asText()).isEqualTo("priced");
    assertThat(root.get("price_table_version").asText())
        .isEqualTo(PriceFiles.defaultTable().version());
  }

  @Test
  void csvHasOneRowPerKeyAndDay() {
    CliHarness.Result r =
        run("costs", "--since", "2d", "--format", "csv", "--framework", "chatdev");

    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).startsWith("day,project_id,api_key_id,framework,billed_usd,");
    assertThat(lines.subList(1, lines.size()))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("," + chatdev.id() + ",chatdev,"));
    assertThat(lines.get(1)).contains(",0.0435,0.0435,priced,0,0,false,100000,20000,50000,4,");
  }

  Path ledgerFile() {
    return dir.resolve(".tokenledger").resolve("ledger.db");
  }

  /** {@code sql} on the default ledger file; one row per result, columns as text. */
  List<List<String>> query(String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void theReadsAreStoredWithRowsWhoseAmountsAddUpToTheBilledTotal() throws Exception {
    CliHarness.Result r = run("costs", "--since", "2d", "--format", "json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(JsonSchemas.validate("costs.schema.json", r.out())).as(r.out()).isEmpty();
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.get("offline").asBoolean()).isFalse();
    assertThat(root.get("ledger").asText()).isEqualTo(ledgerFile().toString());
    JsonNode reads = root.get("reads");
    assertThat(reads)
        .extracting(n -> n.get("endpoint").asText())
        .containsExactly("costs", "completions", "embeddings");
    long costsRead = reads.get(0).get("id").asLong();
    long completionsRead = reads.get(1).get("id").asLong();
    assertThat(
            query("SELECT id, endpoint, bucket_width, status, query FROM usage_reads ORDER BY id"))
        .containsExactly(
            List.of(
                String.valueOf(costsRead), "costs", "1d", "ok", reads.get(0).get("query").asText()),
            List.of(
                String.valueOf(completionsRead),
                "completions",
                "1d",
                "ok",
                reads.get(1).get("query").asText()),
            List.of(
                reads.get(2).get("id").asText(),
                "embeddings",
                "1d",
                "ok",
                reads.get(2).get("query").asText()));
    BigDecimal stored = BigDecimal.ZERO;
    for (List<String> row : query("SELECT amount FROM cost_rows WHERE read_id = " + costsRead)) {
      stored = stored.add(new BigDecimal(row.get(0)));
    }
    assertThat(stored).isEqualByComparingTo(root.get("total").get("billed").decimalValue());
    assertThat(stored).isEqualByComparingTo("0.2256");
    assertThat(
            query(
                "SELECT SUM(input_tokens), SUM(input_cached_tokens), SUM(output_tokens)"
                    + " FROM usage_buckets WHERE read_id = "
                    + completionsRead))
        .containsExactly(List.of("150000", "20000", "59000"));
    // the estimate's price table is kept whole beside the reads, under the version the JSON names
    assertThat(query("SELECT version, content IS NOT NULL FROM price_tables"))
        .containsExactly(List.of(root.get("price_table_version").asText(), "1"));
  }

  @Test
  void theTableSaysWhereTheReadsWereStored() throws Exception {
    CliHarness.Result r = run("costs", "--since", "2d");

    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> ids =
        query("SELECT id FROM usage_reads ORDER BY id").stream().map(l -> l.get(0)).toList();
    assertThat(r.out())
        .contains(
            "Reads stored as "
                + ids.get(0)
                + " (costs), "
                + ids.get(1)
                + " (completions), "
                + ids.get(2)
                + " (embeddings) in the ledger "
                + ledgerFile()
                + ".\n");
  }

  @Test
  void aFailedFetchIsStoredAsAnErrorReadAndTheCommandFailsAsUsual() throws Exception {
    sim.faults().onPath("/organization/usage/completions").next(50, Fault.serverError(503));

    CliHarness.Result r = run("costs", "--since", "2d");

    assertThat(r.exitCode()).isEqualTo(ExitCode.API_FAILURE);
    assertThat(r.out()).isEmpty();
    List<List<String>> stored =
        query("SELECT endpoint, status, error FROM usage_reads ORDER BY id");
    assertThat(stored).hasSize(2);
    assertThat(stored.get(0)).containsExactly("costs", "ok", null);
    assertThat(stored.get(1).subList(0, 2)).containsExactly("completions", "error");
    assertThat(stored.get(1).get(2)).contains("503").contains("/organization/usage/completions");
    assertThat(r.err()).contains("tokenledger: error: ").contains("503");
  }

  @Test
  void aLedgerThatCannotBeOpenedLeavesTheComparisonShownWithOneWarning() throws IOException {
    Path notAFolder = Files.writeString(dir.resolve("occupied"), "a file, not a folder");

    CliHarness.Result r =
        run("costs", "--since", "2d", "--db", notAFolder.resolve("ledger.db").toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("TOTAL +\\$0\\.2256 +\\$0\\.2256")
        .doesNotContain("Reads stored");
    assertThat(r.err().lines().filter(l -> l.startsWith("tokenledger: warning:")))
        .singleElement()
        .asString()
        .contains("not stored in the ledger")
        .contains("occupied");
  }

  @Test
  void aDbThatIsNoLedgerIsAConfigurationError() {
    CliHarness.Result r = run("costs", "--since", "2d", "--db", "jdbc:mysql://localhost/ledger");

    assertThat(r.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(r.err()).contains("unsupported ledger database");
  }

  @Test
  void offlineShowsTheSameComparisonFromTheStoredReadsWithoutTheApi() throws Exception {
    CliHarness.Result online = run("costs", "--since", "2d", "--format", "json");
    sim.faults().onAnyRequest().next(100, Fault.serverError(500));

    CliHarness.Result offline = run("costs", "--since", "2d", "--format", "json", "--offline");

    assertThat(offline.exitCode()).as(offline.err()).isZero();
    assertThat(JsonSchemas.validate("costs.schema.json", offline.out()))
        .as(offline.out())
        .isEmpty();
    JsonNode before = JSON.readTree(online.out());
    JsonNode after = JSON.readTree(offline.out());
    assertThat(after.get("offline").asBoolean()).isTrue();
    // offline, only configured key ids name a framework (chatdev's id was resolved by the API)
    for (JsonNode row : before.get("rows")) {
      ((ObjectNode) row).remove("framework");
    }
    for (JsonNode row : after.get("rows")) {
      ((ObjectNode) row).remove("framework");
    }
    assertThat(after.get("rows")).isEqualTo(before.get("rows"));
    assertThat(after.get("total")).isEqualTo(before.get("total"));
    assertThat(after.get("reads")).isEqualTo(before.get("reads"));
    assertThat(after.get("requests").get("costs").get("http_requests").asInt()).isZero();
    CliHarness.Result table = run("costs", "--since", "2d", "--offline");
    assertThat(table.out())
        .containsPattern("TOTAL +\\$0\\.2256 +\\$0\\.2256")
        .contains("; nothing was fetched.");
    assertThat(sim.faults().pending()).as("no request reached the API").isEqualTo(100);
  }

  @Test
  void offlineOverOneFrameworkOfAWiderStoredReadCountsOnlyThatKey() {
    run("costs", "--since", "2d");
    sim.faults().onAnyRequest().next(100, Fault.serverError(500));

    CliHarness.Result r =
        run("costs", "--since", "2d", "--offline", "--format", "csv", "--framework", "baes");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines().skip(1))
        .singleElement()
        .asString()
        .contains("," + baes.id() + ",baes,0.18,0.18,");
  }

  @Test
  void offlineWithoutAStoredReadIsAClearErrorAndCreatesNoLedger() throws Exception {
    CliHarness.Result none = run("costs", "--since", "2d", "--offline");

    assertThat(none.exitCode()).as("no ledger, as for every reading command").isEqualTo(3);
    assertThat(none.err()).contains("there is no ledger at").contains("without --offline");
    assertThat(ledgerFile()).doesNotExist();

    run("costs", "--since", "1d");
    CliHarness.Result older = run("costs", "--since", "5d", "--offline");

    assertThat(older.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(older.err())
        .contains("holds no successful costs read covering 2025-10-22T00:00:00Z")
        .contains("run 'tokenledger costs' without --offline");
  }

  @Test
  void aToleranceThatIsNotAPercentageIsAUsageError() {
    CliHarness.Result r = run("costs", "--tolerance", "lots");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--tolerance 'lots' is not a percentage: write it as 2% or 0.5%");
  }
}
