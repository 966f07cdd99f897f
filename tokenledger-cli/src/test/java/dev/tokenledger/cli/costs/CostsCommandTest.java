package dev.tokenledger.cli.costs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.ExitCode;
import dev.tokenledger.cli.JsonSchemas;
import dev.tokenledger.pricing.PriceTable;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import dev.tokenledger.sim.UsageEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        .isEqualTo(PriceTable.defaultTable().version());
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

  @Test
  void aToleranceThatIsNotAPercentageIsAUsageError() {
    CliHarness.Result r = run("costs", "--tolerance", "lots");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--tolerance 'lots' is not a percentage: write it as 2% or 0.5%");
  }
}
