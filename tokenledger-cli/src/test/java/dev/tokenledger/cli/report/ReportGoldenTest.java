package dev.tokenledger.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.Goldens;
import dev.tokenledger.cli.JsonSchemas;
import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.CostTotal;
import dev.tokenledger.sim.ServedUsage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code tokenledger report} in every format and grouping against golden files in
 * src/test/resources/report/, over one fixture ledger reconciled on the simulator (regenerate with
 * {@code -Dtokenledger.updateGoldens=true}, then read the diff). Run ids are random, so the output
 * names them {@code <run-1>}, {@code <run-2>}… in the order the fixture recorded them.
 */
class ReportGoldenTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static final Instant DAY1 = Instant.parse("2025-10-30T10:00:00Z");
  private static final Instant DAY2 = Instant.parse("2025-10-31T09:00:00Z");
  private static final Instant DAY3 = Instant.parse("2025-11-01T10:00:00Z");

  private static final List<String> GROUPINGS =
      List.of(
          "run",
          "step",
          "framework",
          "model",
          "day",
          "key",
          "project",
          "month",
          "framework,model",
          "step,model");

  @TempDir static Path dir;
  private static ReportLab lab;
  private static final List<String> runIds = new ArrayList<>();

  /**
   * Eight runs of chatdev, baes and ghspec over three UTC days in two months: steps sharing a
   * minute (apportioned), steps alone in theirs (exact), usage outside steps, prompt-cache hits, an
   * unpriced model in a run of its own and beside a priced one, a run reconciled once (not final)
   * and one never reconciled.
   */
  @BeforeAll
  static void fixture() {
    lab = new ReportLab(dir.resolve("ledger.db"));
    String gpt4o = "gpt-4o";
    String acme = ReportLab.UNKNOWN_MODEL;

    // day 1: chatdev's design and code steps share the minute 10:00; test owns 10:02
    lab.chatWithBrief("chatdev", DAY1.plusSeconds(15), gpt4o);
    lab.chatWithBrief("chatdev", DAY1.plusSeconds(45), gpt4o);
    lab.chat("chatdev", DAY1.plusSeconds(80), gpt4o);
    lab.chat("chatdev", DAY1.plusSeconds(150), gpt4o);
    recorded(
        "chatdev",
        DAY1,
        5,
        170,
        List.of(
            step(1, "design", DAY1, 5, 30),
            step(2, "code", DAY1, 30, 120),
            step(3, "test", DAY1, 120, 170)));
    Instant baes1 = DAY1.plusSeconds(3600);
    lab.chat("baes", baes1.plusSeconds(20), gpt4o);
    lab.chat("baes", baes1.plusSeconds(70), acme);
    recorded("baes", baes1, 5, 110, List.of());
    Instant ghspec1 = DAY1.plusSeconds(7200);
    lab.chat("ghspec", ghspec1.plusSeconds(30), gpt4o);
    lab.chat("ghspec", ghspec1.plusSeconds(90), gpt4o);
    recorded(
        "ghspec",
        ghspec1,
        5,
        110,
        List.of(step(1, "specify", ghspec1, 5, 60), step(2, "implement", ghspec1, 60, 110)));

    // day 2: chatdev uses its key after its only step; baes only an unpriced model
    lab.chatWithBrief("chatdev", DAY2.plusSeconds(20), gpt4o);
    lab.chatWithBrief("chatdev", DAY2.plusSeconds(150), gpt4o);
    recorded("chatdev", DAY2, 5, 170, List.of(step(1, "design", DAY2, 5, 50)));
    Instant baes2 = DAY2.plusSeconds(1800);
    lab.chat("baes", baes2.plusSeconds(30), acme);
    recorded("baes", baes2, 5, 60, List.of());

    // day 3, the next month
    lab.chat("ghspec", DAY3.plusSeconds(30), gpt4o);
    lab.chat("ghspec", DAY3.plusSeconds(70), gpt4o);
    recorded("ghspec", DAY3, 5, 110, List.of());
    lab.settle();

    // a chatdev run read once, ten minutes after its end: settling, not final
    Instant late = DAY3.plusSeconds(3600);
    lab.chatWithBrief("chatdev", late.plusSeconds(20), gpt4o);
    lab.chatWithBrief("chatdev", late.plusSeconds(70), gpt4o);
    recorded("chatdev", late, 5, 110, List.of());
    lab.clock.set(late.plusSeconds(720));
    lab.passOnce();
    // a ghspec run recorded after the last reconcile: no figures yet
    Instant last = DAY3.plusSeconds(4800);
    recorded("ghspec", last, 5, 60, List.of());
    lab.clock.set(last.plusSeconds(300));
  }

  @AfterAll
  static void close() {
    if (lab != null) {
      lab.close();
    }
  }

  private static void recorded(
      String framework, Instant base, long start, long end, List<StepSpec> steps) {
    runIds.add(lab.run(framework, base.plusSeconds(start), base.plusSeconds(end), steps));
  }

  private static StepSpec step(int index, String name, Instant base, long start, long end) {
    return new StepSpec(index, name, base.plusSeconds(start), base.plusSeconds(end), 0);
  }

  static Stream<Arguments> groupingsAndFormats() {
    List<Arguments> out = new ArrayList<>();
    for (String by : GROUPINGS) {
      for (String format : List.of("table", "csv", "json")) {
        out.add(Arguments.of(by, format));
      }
    }
    return out.stream();
  }

  private static CliHarness.Result report(String... args) {
    List<String> all = new ArrayList<>(List.of("report", "--db", lab.db.toString()));
    all.addAll(List.of(args));
    CliHarness.Result result = new CliHarness(dir).clock(lab.clock).run(all.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.err()).isZero();
    return result;
  }

  /**
   * The output with each run id replaced by {@code <run-N>}, N its place in the fixture; in a table
   * padded to the id's width, so that the columns stay aligned as printed.
   */
  private static String normalized(String text, boolean table) {
    for (int i = 0; i < runIds.size(); i++) {
      String id = runIds.get(i);
      String name = "<run-" + (i + 1) + ">";
      text = text.replace(id, table ? name + " ".repeat(id.length() - name.length()) : name);
    }
    return text;
  }

  @ParameterizedTest(name = "--by {0} --format {1}")
  @MethodSource("groupingsAndFormats")
  void theReportMatchesItsGoldenFile(String by, String format) {
    CliHarness.Result result = report("--by", by, "--format", format);

    if (format.equals("json")) {
      assertThat(JsonSchemas.validate("report.schema.json", result.out())).isEmpty();
    }
    String extension = format.equals("table") ? "txt" : format;
    Goldens.assertMatches(
        "report/by-" + by.replace(',', '-') + "." + extension,
        normalized(result.out(), format.equals("table")));
  }

  @Test
  void theFixtureTotalsAreWhatTheSimulatorServedAndPricedPerModel() throws Exception {
    JsonNode report = JSON.readTree(report("--by", "framework", "--format", "json").out());

    Map<String, JsonNode> rows = new LinkedHashMap<>();
    report.path("rows").forEach(r -> rows.put(r.path("key").path("framework").asText(), r));
    assertThat(rows).containsOnlyKeys("chatdev", "baes", "ghspec");
    CostCalculator calculator = new CostCalculator(PriceFiles.defaultTable());
    for (String framework : rows.keySet()) {
      List<ServedUsage> served =
          lab.sim.served().stream().filter(u -> u.apiKeyId().equals("key_" + framework)).toList();
      TokenCounts truth =
          served.stream().map(ServedUsage::counts).reduce(TokenCounts.ZERO, TokenCounts::plus);
      CostTotal cost =
          served.stream()
              .map(u -> calculator.cost(u.model(), u.counts()))
              .collect(CostTotal.collector());
      JsonNode row = rows.get(framework);
      assertThat(row.path("input_tokens").asLong()).as(framework).isEqualTo(truth.input());
      assertThat(row.path("input_cached_tokens").asLong())
          .as(framework)
          .isEqualTo(truth.cachedInput());
      assertThat(row.path("output_tokens").asLong()).as(framework).isEqualTo(truth.output());
      assertThat(row.path("requests").asLong()).as(framework).isEqualTo(truth.requests());
      assertThat(row.path("cost_status").asText()).as(framework).isEqualTo(cost.status().name());
      BigDecimal usd = row.path("cost_usd").decimalValue();
      assertThat(usd).as(framework).isEqualByComparingTo(cost.total().orElseThrow());
    }
    assertThat(rows.get("chatdev").path("input_cached_tokens").asLong()).isPositive();
    assertThat(rows.get("chatdev").path("status").asText()).isEqualTo("not_final");
    assertThat(rows.get("baes").path("cost_status").asText()).isEqualTo("PARTIAL");
    assertThat(report.path("total").path("cost_status").asText()).isEqualTo("PARTIAL");
    assertThat(report.path("runs_without_figures").asInt()).isEqualTo(1);
  }
}
