package dev.tokenledger.cli.report;

import static dev.tokenledger.cli.report.ReportLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.JsonSchemas;
import dev.tokenledger.sim.ServedUsage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokenledger report --by key|project|month} on runs reconciled on the simulator. */
class ReportGroupingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOVEMBER = Instant.parse("2025-11-03T10:00:00Z");

  @TempDir Path dir;

  /** Two chatdev runs in October, a baes run in October and a chatdev run in November. */
  private static void runs(ReportLab lab) {
    lab.chat("chatdev", T0.plusSeconds(20));
    lab.run("chatdev", T0.plusSeconds(5), T0.plusSeconds(60));
    lab.chat("baes", T0.plusSeconds(200));
    lab.run("baes", T0.plusSeconds(185), T0.plusSeconds(240));
    lab.chat("chatdev", T0.plusSeconds(380));
    lab.chat("chatdev", T0.plusSeconds(400));
    lab.run("chatdev", T0.plusSeconds(365), T0.plusSeconds(420));
    lab.chat("chatdev", NOVEMBER.plusSeconds(20));
    lab.run("chatdev", NOVEMBER.plusSeconds(5), NOVEMBER.plusSeconds(60));
    lab.settle();
  }

  private Map<String, JsonNode> rows(ReportLab lab, String by) throws Exception {
    CliHarness.Result result =
        new CliHarness(dir)
            .clock(lab.clock)
            .run("report", "--db", lab.db.toString(), "--by", by, "--format", "json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    Map<String, JsonNode> rows = new LinkedHashMap<>();
    JSON.readTree(result.out())
        .path("rows")
        .forEach(r -> rows.put(r.path("key").path(by).asText(), r));
    return rows;
  }

  private static long servedInput(ReportLab lab, String framework) {
    String key = lab.key(framework).id();
    return lab.sim.served().stream()
        .filter(u -> key.equals(u.apiKeyId()))
        .map(ServedUsage::counts)
        .reduce(TokenCounts.ZERO, TokenCounts::plus)
        .input();
  }

  @Test
  void byKeyGivesEachApiKeyIdItsRunsAndTokens() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      runs(lab);

      Map<String, JsonNode> rows = rows(lab, "key");

      String chatdev = lab.key("chatdev").id();
      String baes = lab.key("baes").id();
      assertThat(rows).containsOnlyKeys(chatdev, baes);
      assertThat(rows.get(chatdev).path("runs").asInt()).isEqualTo(3);
      assertThat(rows.get(chatdev).path("input_tokens").asLong())
          .isEqualTo(servedInput(lab, "chatdev"));
      assertThat(rows.get(baes).path("runs").asInt()).isEqualTo(1);
      assertThat(rows.get(baes).path("input_tokens").asLong()).isEqualTo(servedInput(lab, "baes"));
    }
  }

  @Test
  void byProjectTakesTheProjectFromTheUsageRowsWhenTheRunNamesNone() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      runs(lab);

      Map<String, JsonNode> rows = rows(lab, "project");

      assertThat(rows).containsOnlyKeys("proj_chatdev", "proj_baes");
      assertThat(rows.get("proj_chatdev").path("runs").asInt()).isEqualTo(3);
      assertThat(rows.get("proj_baes").path("input_tokens").asLong())
          .isEqualTo(servedInput(lab, "baes"));
    }
  }

  @Test
  void byMonthGroupsRunsByTheUtcMonthTheyStartedIn() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      runs(lab);

      Map<String, JsonNode> rows = rows(lab, "month");

      assertThat(rows).containsOnlyKeys("2025-10", "2025-11");
      assertThat(rows.get("2025-10").path("runs").asInt()).isEqualTo(3);
      assertThat(rows.get("2025-11").path("runs").asInt()).isEqualTo(1);
      assertThat(
              rows.get("2025-10").path("requests").asLong()
                  + rows.get("2025-11").path("requests").asLong())
          .isEqualTo(5);
    }
  }

  @Test
  void modelTakesAnUndatedNamesSnapshotsAndSaysWhichItMatched() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      lab.chat("chatdev", T0.plusSeconds(20), "gpt-4o-mini");
      lab.chat("chatdev", T0.plusSeconds(30), "gpt-5-mini");
      lab.run("chatdev", T0.plusSeconds(5), T0.plusSeconds(60));
      lab.chat("baes", T0.plusSeconds(200), "gpt-5-mini");
      lab.run("baes", T0.plusSeconds(185), T0.plusSeconds(240));
      lab.settle();
      CliHarness h = new CliHarness(dir).clock(lab.clock);
      String db = lab.db.toString();

      CliHarness.Result table = h.run("report", "--db", db, "--model", "gpt-4o-mini");
      JsonNode undated =
          JSON.readTree(
              h.run("report", "--db", db, "--model", "gpt-4o-mini", "--format", "json").out());
      JsonNode dated =
          JSON.readTree(
              h.run(
                      "report",
                      "--db",
                      db,
                      "--model",
                      "gpt-4o-mini-2024-07-18",
                      "--by",
                      "model",
                      "--format",
                      "json")
                  .out());
      JsonNode all =
          JSON.readTree(h.run("report", "--db", db, "--by", "model", "--format", "json").out());

      assertThat(table.exitCode()).as(table.err()).isZero();
      assertThat(table.out())
          .contains(
              "Models: gpt-4o-mini (gpt-4o-mini matched gpt-4o-mini-2024-07-18 (its dated"
                  + " snapshot))");
      long miniInput = 0;
      for (JsonNode row : all.path("rows")) {
        if (row.path("key").path("model").asText().equals("gpt-4o-mini-2024-07-18")) {
          miniInput = row.path("input_tokens").asLong();
        }
      }
      assertThat(miniInput).isPositive();
      // only chatdev's run used gpt-4o-mini; baes's is left out
      assertThat(undated.path("rows")).hasSize(1);
      assertThat(undated.path("total").path("input_tokens").asLong()).isEqualTo(miniInput);
      assertThat(undated.path("models").path("matched").get(0).asText())
          .isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(dated.path("rows")).hasSize(1);
      assertThat(dated.path("total").path("input_tokens").asLong()).isEqualTo(miniInput);
      assertThat(JsonSchemas.validate("report.schema.json", undated.toString())).isEmpty();
    }
  }

  @Test
  void byTakesTheApisSpellingsAsUsageGroupByDoes() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      runs(lab);
      CliHarness h = new CliHarness(dir).clock(lab.clock);
      String db = lab.db.toString();

      CliHarness.Result shortNames = h.run("report", "--db", db, "--by", "key,project");
      CliHarness.Result apiNames = h.run("report", "--db", db, "--by", "api_key_id,project_id");
      CliHarness.Result usageOnly = h.run("report", "--db", db, "--by", "user");

      assertThat(shortNames.exitCode()).isZero();
      assertThat(apiNames.out()).isEqualTo(shortNames.out());
      assertThat(usageOnly.exitCode()).isEqualTo(2);
      assertThat(usageOnly.err())
          .contains("user is a field of the Usage API: tokenledger usage --group-by user");
    }
  }
}
