package dev.tokenledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.ledger.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run start|step|end|list|show|exec} and {@code import genai-devbench}, in-process. */
class RunCommandsTest {
  private static final String KEY = "sk-proj-test-canary-000000000000000000000000c11a";
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:10Z");

  private static final String ADMIN = "sk-admin-test-canary-0000000000000000000000000000run1";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  private CliHarness cli() {
    return new CliHarness(dir)
        .env("OPENAI_API_KEY_CHATDEV", KEY)
        .env("OPENAI_API_KEY_CHATDEV_ID", "key_chatdev1")
        .env("PATH", System.getenv("PATH"))
        .clock(clock)
        .sleeper(wait -> clock.advance(wait));
  }

  @Test
  void aHarnessDrivenRunReadsBackInListAndShow() throws Exception {
    CliHarness.Result start =
        cli().run("run", "start", "--framework", "chatdev", "--experiment", "e1", "--label", "l1");
    assertThat(start.exitCode()).as(start.err()).isZero();
    String runId = start.out().strip();

    CliHarness withRun = cli().env("TOKENLEDGER_RUN_ID", runId);
    assertThat(withRun.run("run", "step", "start", "--name", "create entity").out())
        .isEqualTo("1\n");
    clock.advance(Duration.ofSeconds(30));
    assertThat(withRun.run("run", "step", "end", "--exit-code", "0").out()).isEqualTo("1\n");
    assertThat(withRun.run("run", "step", "start", "--name", "add relation").out())
        .isEqualTo("2\n");
    clock.advance(Duration.ofSeconds(15));
    assertThat(withRun.run("run", "end", "--exit-code", "0").exitCode()).isZero();

    CliHarness.Result table = cli().run("run", "list");
    assertThat(table.out())
        .startsWith("RUN")
        .contains(runId)
        .contains("chatdev")
        .contains("e1")
        .contains("45.0s")
        .contains("ended");

    JsonNode show =
        new ObjectMapper().readTree(cli().run("run", "show", runId, "--format", "json").out());
    assertThat(show.get("id").asText()).isEqualTo(runId);
    assertThat(show.get("api_key_id").asText()).isEqualTo("key_chatdev1");
    assertThat(show.get("started_at").asText()).isEqualTo("2025-10-27T10:00:10Z");
    assertThat(show.get("ended_at").asText()).isEqualTo("2025-10-27T10:00:55Z");
    assertThat(show.get("steps")).hasSize(2);
    assertThat(show.get("steps").get(1).get("status").asText()).isEqualTo("ended");
    assertThat(show.get("steps").get(1).get("ended_at").asText()).isEqualTo("2025-10-27T10:00:55Z");
    assertThat(
            Files.readString(
                dir.resolve(".tokenledger/ledger.db"),
                java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(KEY);
  }

  @Test
  void listFiltersAndPrintsJsonAndCsv() throws Exception {
    cli().run("run", "start", "--framework", "chatdev", "--experiment", "e1");
    clock.advance(Duration.ofHours(3));
    String second =
        cli().run("run", "start", "--framework", "chatdev", "--experiment", "e2").out().strip();

    JsonNode json =
        new ObjectMapper()
            .readTree(cli().run("run", "list", "--experiment", "e2", "--format", "json").out());
    assertThat(json.get("runs")).hasSize(1);
    assertThat(json.get("runs").get(0).get("id").asText()).isEqualTo(second);
    assertThat(json.get("runs").get(0).get("status").asText()).isEqualTo("recording");

    String csv = cli().run("run", "list", "--since", "1h", "--format", "csv").out();
    assertThat(csv.lines())
        .hasSize(2)
        .first()
        .isEqualTo(
            "id,framework,experiment,label,started_at,ended_at,status,exit_code,steps,api_key_id,source");
    assertThat(csv.lines().skip(1).findFirst().orElseThrow()).startsWith(second + ",chatdev,e2,,");
  }

  @Test
  void jsonOutputFollowsThePublishedSchemas() {
    String runId = cli().run("run", "start", "--framework", "chatdev").out().strip();
    cli().env("TOKENLEDGER_RUN_ID", runId).run("run", "step", "start", "--name", "s");
    cli().run("run", "start", "--framework", "chatdev", "--experiment", "e", "--label", "l");

    String list = cli().run("run", "list", "--format", "json").out();
    String show = cli().run("run", "show", runId, "--format", "json").out();

    assertThat(JsonSchemas.validate("run-list.schema.json", list)).as(list).isEmpty();
    assertThat(JsonSchemas.validate("run-show.schema.json", show)).as(show).isEmpty();
  }

  @Test
  void badInputIsAUsageErrorAndAnUnknownRunIsNamed() {
    assertThat(cli().run("run", "list", "--since", "yesterday").exitCode())
        .isEqualTo(ExitCode.USAGE);
    assertThat(cli().run("run", "list", "--status", "sleeping").exitCode())
        .isEqualTo(ExitCode.USAGE);
    assertThat(cli().run("run", "step", "start").err()).contains("give --run ID");

    CliHarness.Result noLedger = cli().run("run", "show", "nope");
    assertThat(noLedger.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(noLedger.err()).startsWith("tokenledger: error: there is no ledger at ");
    assertThat(cli().run("run", "list").err()).contains("there is no ledger at ");
    assertThat(cli().env("OPENAI_ADMIN_KEY", ADMIN).run("reconcile").err())
        .contains("there is no ledger at ");
    assertThat(dir.resolve(".tokenledger")).as("reading creates no ledger").doesNotExist();

    cli().run("run", "start", "--framework", "chatdev");
    CliHarness.Result missing = cli().run("run", "show", "nope");
    assertThat(missing.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(missing.err()).startsWith("tokenledger: error: no run 'nope' in the ledger");
  }

  @Test
  void execReturnsTheChildsExitCode() {
    assertThat(cli().run("run", "exec", "--framework", "chatdev", "--", "true").exitCode())
        .isZero();
    assertThat(cli().run("run", "exec", "--framework", "chatdev", "--", "false").exitCode())
        .isEqualTo(1);
    assertThat(
            cli()
                .run("run", "exec", "--framework", "chatdev", "--", "sh", "-c", "kill -9 $$")
                .exitCode())
        .isEqualTo(137);

    assertThat(cli().run("run", "list", "--format", "csv").out().lines().skip(1))
        .extracting(line -> line.split(",")[7])
        .containsExactlyInAnyOrder("0", "1", "137");
  }

  @Test
  void aMissingFrameworkKeyIsAConfigurationErrorBeforeTheChildStarts() {
    Path marker = dir.resolve("started");

    CliHarness.Result result =
        cli().run("run", "exec", "--framework", "baes", "--", "touch", marker.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(result.err()).contains("no key for framework baes").contains("OPENAI_API_KEY_BAES");
    assertThat(marker).doesNotExist();
  }

  @Test
  void theCommandGetsItsArgumentsAsGivenEvenOneThatNamesAFile() throws Exception {
    Path file = dir.resolve("body.json");
    Files.writeString(file, "{\"the\": \"content\"}");
    Path seen = dir.resolve("seen");
    // as in curl -d @body.json: picocli took such an argument for a file of arguments to read
    for (String label : List.of("read-plainly", "-read-by-picocli")) {
      CliHarness.Result result =
          cli()
              .run(
                  "run",
                  "exec",
                  "--framework",
                  "chatdev",
                  "--label=" + label,
                  "--",
                  "sh",
                  "-c",
                  "printf '%s' \"$1\" > \"$2\"",
                  "sh",
                  "@" + file,
                  seen.toString());

      assertThat(result.exitCode()).as(result.err()).isZero();
      assertThat(Files.readString(seen)).as(label).isEqualTo("@" + file);
    }
  }

  @Test
  void execStepsJoinTheRunInTheEnvironmentAndNewRunOverridesIt() {
    String runId = cli().run("run", "start", "--framework", "chatdev").out().strip();
    CliHarness withRun = cli().env("TOKENLEDGER_RUN_ID", runId);

    withRun.run("run", "exec", "--framework", "chatdev", "--name", "one", "--", "true");
    withRun.run("run", "exec", "--framework", "chatdev", "--step", "5", "--", "true");
    withRun.run("run", "exec", "--framework", "chatdev", "--new-run", "--", "true");

    assertThat(cli().run("run", "show", runId).out()).contains("one").contains("\n   5  true");
    assertThat(cli().run("run", "list", "--format", "csv").out().lines()).hasSize(3);
  }

  @Test
  void fencingWithASteppedClockStartsEachStepInAFreshMinute() throws Exception {
    for (int i = 0; i < 3; i++) {
      CliHarness.Result r =
          cli().run("run", "exec", "--framework", "chatdev", "--fence", "--", "true");
      assertThat(r.exitCode()).isZero();
      if (i > 0) {
        assertThat(r.err()).contains("tokenledger: fencing: waiting");
      }
      clock.advance(Duration.ofSeconds(20)); // the next step is asked for 20 s later
    }

    JsonNode runs = new ObjectMapper().readTree(cli().run("run", "list", "--format", "json").out());
    Instant previousEnd = null;
    for (JsonNode run : runs.get("runs")) {
      Instant start = Instant.parse(run.get("started_at").asText());
      if (previousEnd != null) {
        assertThat(start.truncatedTo(ChronoUnit.MINUTES))
            .isAfter(previousEnd.truncatedTo(ChronoUnit.MINUTES));
        assertThat(start.getEpochSecond() % 60).isEqualTo(2);
      }
      previousEnd = Instant.parse(run.get("ended_at").asText());
    }
  }

  @Test
  void importingAGenaiDevbenchFolderTwiceAddsNothingTheSecondTime() throws Exception {
    Path run = Files.createDirectories(dir.resolve("exp/runs/chatdev/r-1"));
    Files.writeString(
        run.resolve("metrics.json"),
        "{\"run_id\": \"r-1\", \"steps\": [{\"step\": 1, \"start_timestamp\": 1761559200,"
            + " \"end_timestamp\": 1761559260}]}");

    CliHarness.Result first = cli().run("import", "genai-devbench", "exp");
    CliHarness.Result second = cli().run("import", "genai-devbench", "exp");

    assertThat(first.out())
        .isEqualTo("imported 1 runs (1 steps); 0 already in the ledger; 0 problems\n");
    assertThat(second.out())
        .isEqualTo("imported 0 runs (0 steps); 1 already in the ledger; 0 problems\n");
    assertThat(cli().run("run", "list", "--format", "json").out()).contains("key_chatdev1");
  }
}
