package dev.tokenledger.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.Goldens;
import dev.tokenledger.cli.JsonSchemas;
import dev.tokenledger.ledger.MeterSpill;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.recording.LedgerMeterSink;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} and {@code run show} of a metered run, against golden files: exact per step the
 * moment the run ends (two steps in one minute, a request of unknown usage), status {@code metered}
 * and cost source {@code local×price} before the audit, {@code final} and {@code audited} after it;
 * beside an unmetered run reported as before.
 */
class MeteredReportTest {
  private static final Instant T0 = Instant.parse("2025-11-03T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final List<String> runIds = new ArrayList<>();

  private CliHarness.Result cli(ReportLab lab, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--db", lab.db.toString()));
    CliHarness.Result result = new CliHarness(dir).clock(lab.clock).run(all.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.err()).isZero();
    return result;
  }

  private String normalized(String text, boolean table) {
    for (int i = 0; i < runIds.size(); i++) {
      String id = runIds.get(i);
      String name = "<run-" + (i + 1) + ">";
      text = text.replace(id, table ? name + " ".repeat(id.length() - name.length()) : name);
    }
    return text;
  }

  private void golden(String name, CliHarness.Result result, String format) {
    if (format.equals("json") && name.startsWith("report/")) {
      assertThat(JsonSchemas.validate("report.schema.json", result.out())).isEmpty();
    }
    Goldens.assertMatches(name, normalized(result.out(), format.equals("table")));
  }

  @Test
  void aMeteredRunIsReportedExactlyBeforeTheAuditAndFinalAfterIt() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      String metered =
          lab.run(
              "chatdev",
              T0.plusSeconds(5),
              T0.plusSeconds(56),
              List.of(
                  new StepSpec(1, "design", T0.plusSeconds(5), T0.plusSeconds(30), 0),
                  new StepSpec(2, "code", T0.plusSeconds(30), T0.plusSeconds(56), 0)));
      runIds.add(metered);
      lab.ledger.meterStore().markMetered(metered);
      String plain = lab.run("baes", T0.plusSeconds(120), T0.plusSeconds(170));
      runIds.add(plain);
      try (LedgerMeterSink sink =
          LedgerMeterSink.open(
              lab.ledger,
              new MeterSpill(dir.resolve("spill")),
              w -> {
                throw new AssertionError(w);
              })) {
        sink.record(lab.meteredChat(metered, 1, "chatdev", T0.plusSeconds(12), "gpt-4o"));
        sink.record(lab.meteredChat(metered, 2, "chatdev", T0.plusSeconds(38), "gpt-4o-mini"));
        sink.record(
            new MeteredRequest(
                metered,
                2,
                null,
                "key_chatdev",
                "POST",
                "/chat/completions",
                UsageEndpoint.COMPLETIONS,
                "gpt-4o-mini",
                T0.plusSeconds(44),
                T0.plusSeconds(47),
                200,
                null,
                true,
                UsageState.INTERRUPTED,
                null,
                "the client went away before the usage chunk"));
        lab.chat("baes", T0.plusSeconds(140));
      }
      lab.clock.set(T0.plusSeconds(300));

      // the moment the run ended: exact per step, not yet audited
      for (String format : List.of("table", "json", "csv")) {
        String ext = format.equals("table") ? "txt" : format;
        golden(
            "report/metered-by-step." + ext,
            cli(lab, "report", "--by", "run,step", "--format", format),
            format);
      }
      golden("report/metered-run-show.txt", cli(lab, "run", "show", metered), "table");
      CliHarness.Result showJson = cli(lab, "run", "show", metered, "--format", "json");
      assertThat(JsonSchemas.validate("run-show.schema.json", showJson.out())).isEmpty();
      JsonNode metering = JSON.readTree(showJson.out()).path("metering");
      assertThat(metering.path("status").asText()).isEqualTo("metered");
      assertThat(metering.path("run").path("usage_unknown_requests").asLong()).isEqualTo(1);

      lab.settle();

      // audited by the Usage API: final, and the same figures
      golden(
          "report/metered-audited-by-run.json",
          cli(lab, "report", "--by", "run", "--format", "json"),
          "json");
      golden("report/metered-run-show-audited.txt", cli(lab, "run", "show", metered), "table");
    }
  }
}
