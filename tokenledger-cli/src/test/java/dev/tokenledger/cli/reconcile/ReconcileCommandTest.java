package dev.tokenledger.cli.reconcile;

import static dev.tokenledger.cli.reconcile.SimLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.TokenLedgerCli;
import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimKey;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code tokenledger reconcile} end to end: the command against the simulator, black-box. */
class ReconcileCommandTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  private SimLab lab;
  private final Map<String, String> vars = new HashMap<>();

  @BeforeEach
  void start() {
    lab =
        new SimLab(
            LedgerLocation.sqlite(dir.resolve("ledger.db")),
            ReportingDelay.uniform(Duration.ofMinutes(1), Duration.ofMinutes(6)));
    vars.put("OPENAI_BASE_URL", lab.sim.baseUrl().toString());
    vars.put("OPENAI_ADMIN_KEY", lab.admin.apiKey().revealForChildProcess());
    vars.put("TOKENLEDGER_DB", dir.resolve("ledger.db").toString());
  }

  @AfterEach
  void stop() {
    lab.close();
  }

  record Result(int exitCode, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliEnvironment env =
        new CliEnvironment(
            vars, dir, lab.clock, new ByteArrayInputStream(new byte[0]), lab.clock::advance);
    CommandLine cli = TokenLedgerCli.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Two frameworks, one run each, a few minutes of traffic; the clock just after. */
  private List<String> twoRuns() {
    for (int i = 0; i < 4; i++) {
      lab.chat("chatdev", T0.plusSeconds(10 + 20L * i));
      lab.chat("baes", T0.plusSeconds(12 + 20L * i), "gpt-4.1-mini");
    }
    String a = lab.run("chatdev", T0, T0.plusSeconds(90));
    String b = lab.run("baes", T0.plusSeconds(2), T0.plusSeconds(95));
    lab.clock.set(T0.plusSeconds(120));
    return List.of(a, b);
  }

  @Test
  void onePassPrintsALinePerRunAndASummaryAndLeavesYoungRunsPending() {
    List<String> runs = twoRuns();

    Result r = run("reconcile");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("RUN", "FRAMEWORK", "STATUS", "INPUT", "CACHED", "OUTPUT");
    assertThat(lines(r.out(), runs.get(0)))
        .singleElement()
        .asString()
        .contains("chatdev", "pending");
    assertThat(lines(r.out(), runs.get(1))).singleElement().asString().contains("baes", "pending");
    assertThat(r.out()).contains("2 runs: 2 pending", "usage requests in this pass");
  }

  @Test
  void watchSettlesEveryRunToWhatTheSimulatorServedAndStatsShowTheRequestsPerPass() {
    List<String> runs = twoRuns();

    Result r = run("reconcile", "--watch", "--timeout", "2h", "--stats");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("reconcile: pass 1 at ");
    assertThat(r.out()).contains("2 runs: 2 final");
    TokenCounts chatdev = lab.served(lab.keyId("chatdev"));
    assertThat(lines(r.out(), runs.get(0)))
        .singleElement()
        .asString()
        .contains(
            "final", String.format("%,d", chatdev.input()), String.valueOf(chatdev.requests()));
    assertThat(lab.figures(runs.get(0))).isEqualTo(chatdev);
    assertThat(lab.figures(runs.get(1))).isEqualTo(lab.served(lab.keyId("baes")));
    // what a pass cost is not data: stderr
    assertThat(r.err()).contains("Stats, pass 1 at ", "usage requests completions 1, embeddings 1");
    assertThat(r.out()).doesNotContain("Stats, pass");
  }

  @Test
  void settingsComeFromTheEnvironmentAndFlagsWin() {
    twoRuns();
    vars.put("TOKENLEDGER_MIN_AGE", "0s");
    vars.put("TOKENLEDGER_STABLE_READS", "1");

    Result fromEnv = run("reconcile", "--format", "json");
    assertThat(fromEnv.exitCode()).as(fromEnv.err()).isZero();
    // min-age 0 and one read suffice, but the reporting delay hid part of the usage: that is why
    // the defaults are conservative
    assertThat(JSON.readTree(fromEnv.out()).path("summary").path("final").asInt()).isEqualTo(2);

    vars.put("TOKENLEDGER_INTERVAL", "soon");
    Result bad = run("reconcile");
    assertThat(bad.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(bad.err()).contains("TOKENLEDGER_INTERVAL='soon' is not a duration");
    assertThat(run("reconcile", "--interval", "5m", "--force").exitCode()).isZero();
  }

  @Test
  void jsonOutputFollowsItsSchema() throws Exception {
    twoRuns();
    // the chatdev key is used while only a baes run is recorded: unattributed
    lab.chat("chatdev", T0.plusSeconds(200));
    lab.run("baes", T0.plusSeconds(180), T0.plusSeconds(240));
    lab.clock.set(T0.plus(Duration.ofMinutes(4)));

    Result first = run("reconcile", "--format", "json", "--stats");
    lab.clock.advance(Duration.ofHours(1));
    Result later = run("reconcile", "--format", "json", "--stats", "--watch", "--timeout", "1h");

    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(Files.readString(Path.of("..", "docs", "json", "reconcile.schema.json")));
    for (Result r : List.of(first, later)) {
      assertThat(r.exitCode()).as(r.err()).isZero();
      List<Error> errors = schema.validate(JSON.readTree(r.out()));
      assertThat(errors).as(r.out()).isEmpty();
    }
    JsonNode json = JSON.readTree(later.out());
    assertThat(json.path("summary").path("final").asInt()).isEqualTo(3);
    assertThat(json.path("unattributed").get(0).path("api_key_id").asText())
        .isEqualTo(lab.keyId("chatdev"));
    assertThat(json.path("unattributed").get(0).path("requests").asInt()).isEqualTo(1);
    assertThat(json.path("runs").get(0).path("unattributed_on_key").asBoolean()).isTrue();
    assertThat(json.path("stats").size()).isEqualTo(json.path("passes").asInt());
  }

  @Test
  void aRefusedKeyExitsWith4AndKeepsThePreviousFigures() {
    List<String> runs = twoRuns();
    lab.clock.advance(Duration.ofMinutes(10));
    assertThat(run("reconcile").exitCode()).isZero();
    TokenCounts before = lab.figures(runs.get(0));
    SimKey noScope =
        lab.sim.register(
            SimKey.admin("organization reader only").scopes(SimKey.SCOPE_ORGANIZATION_READ));
    vars.put("OPENAI_ADMIN_KEY", noScope.apiKey().revealForChildProcess());
    lab.clock.advance(Duration.ofMinutes(5));

    Result r = run("reconcile");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.KEY_REFUSED);
    assertThat(r.err()).contains("api.usage.read");
    assertThat(lines(r.out(), runs.get(0))).singleElement().asString().contains("error");
    assertThat(lab.figures(runs.get(0))).isEqualTo(before);
    assertThat(lab.reconciliation(runs.get(0)).latest().error()).contains("api.usage.read");
    assertThat(lab.usageRequests(dev.tokenledger.openai.UsageEndpoint.EMBEDDINGS))
        .as("the refused key is not tried on the next endpoint")
        .isEqualTo(1);
  }

  @Test
  void serverErrorsUntilTheRetriesRunOutExitWith5AndTheNextPassFinishes() {
    List<String> runs = twoRuns();
    lab.clock.advance(Duration.ofMinutes(10));
    lab.sim.faults().onPath("/organization/usage/completions").next(6, Fault.serverError(500));

    Result failed = run("reconcile");

    assertThat(failed.exitCode()).isEqualTo(ExitCode.API_FAILURE);
    assertThat(failed.err()).contains("tokenledger: error:", "500");
    assertThat(failed.out()).contains("2 error");
    Result watched = run("reconcile", "--watch", "--timeout", "2h");
    assertThat(watched.exitCode()).as(watched.err()).isZero();
    assertThat(lab.figures(runs.get(0))).isEqualTo(lab.served(lab.keyId("chatdev")));
  }

  @Test
  void perRunErrorAndNotReadLinesGoToStderrNamingTheEndpointAndWindowNotTheQuery() {
    List<String> runs = twoRuns();
    lab.ledger.recordFinishedRun(
        RunSpec.builder("nokey").startedAt(T0).endedAt(T0.plusSeconds(30)).build(), List.of());
    lab.clock.advance(Duration.ofMinutes(10));
    lab.sim.faults().onPath("/organization/usage/completions").next(6, Fault.serverError(500));

    Result failed = run("reconcile");

    assertThat(failed.exitCode()).isEqualTo(ExitCode.API_FAILURE);
    assertThat(failed.out()).doesNotContain("  " + runs.get(0) + ":").doesNotContain("not read:");
    String errorLine =
        failed
            .err()
            .lines()
            .filter(l -> l.startsWith("  " + runs.get(0) + ":"))
            .findFirst()
            .orElseThrow();
    assertThat(errorLine)
        .contains("/organization/usage/completions")
        .contains(T0.toString())
        .contains("500")
        .doesNotContain("start_time=")
        .doesNotContain("group_by");
    assertThat(failed.err()).contains("not read: the run has no key id");
  }

  @Test
  void aDecreaseIsAWarningWithExit6UntilAPersonAcceptsIt() {
    List<String> runs = twoRuns();
    lab.clock.advance(Duration.ofMinutes(10));
    assertThat(run("reconcile").exitCode()).isZero();
    // a run of the same key recorded afterwards claims part of the first run's last minute
    lab.runWithSteps("chatdev", T0.plusSeconds(92), T0.plusSeconds(100), List.<StepSpec>of());
    lab.clock.advance(Duration.ofMinutes(5));

    Result warned = run("reconcile", "--run", runs.get(0));

    assertThat(warned.exitCode()).as(warned.err()).isEqualTo(ExitCode.WARNINGS);
    assertThat(lines(warned.out(), runs.get(0)))
        .singleElement()
        .asString()
        .contains("warning", "decrease");
    Result notWarned = run("reconcile", "--accept", runs.get(1));
    assertThat(notWarned.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(notWarned.err()).contains("not in warning");

    Result accepted = run("reconcile", "--accept", runs.get(0), "--run", runs.get(0));
    assertThat(accepted.exitCode()).as(accepted.err()).isZero();
    assertThat(lines(accepted.out(), runs.get(0))).singleElement().asString().contains("final");
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertThat(run("reconcile", "--timeout", "1h").err()).contains("--timeout goes with --watch");
    Result endpoint = run("reconcile", "--endpoints", "vector_stores");
    assertThat(endpoint.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(endpoint.err()).contains("does not report api_key_id");
    assertThat(run("reconcile", "--stable-reads", "0").err())
        .contains("stable-reads cannot be less than 1");
    assertThat(run("reconcile", "--format", "csv").exitCode()).isEqualTo(ExitCode.USAGE);
  }

  @Test
  void thirtyRunsOfThreeFrameworksInADaySettleWithAtMostTwoUsageRequestsPerEndpointPerPass() {
    String[] frameworks = {"chatdev", "baes", "ghspec"};
    List<Instant> starts = new ArrayList<>();
    for (int r = 0; r < 30; r++) {
      for (int f = 0; f < 3; f++) {
        starts.add(T0.plus(Duration.ofMinutes(48L * r)).plusSeconds(4L * f));
      }
    }
    for (int i = 0; i < starts.size(); i++) {
      lab.chat(frameworks[i % 3], starts.get(i).plusSeconds(5));
    }
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      Instant s = starts.get(i);
      List<StepSpec> steps = new ArrayList<>();
      for (int k = 0; k < 6; k++) {
        steps.add(
            new StepSpec(k + 1, "s" + k, s.plusSeconds(20L * k), s.plusSeconds(20L * k + 18), 0));
      }
      runs.add(lab.runWithSteps(frameworks[i % 3], s, s.plusSeconds(120), steps));
    }
    lab.clock.set(starts.get(starts.size() - 1).plus(Duration.ofMinutes(3)));

    Result r = run("reconcile", "--watch", "--timeout", "3h", "--stats");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("90 runs: 90 final");
    Matcher m =
        Pattern.compile("usage requests completions (\\d+), embeddings (\\d+)").matcher(r.err());
    List<Integer> printed = new ArrayList<>();
    while (m.find()) {
      printed.add(Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)));
      assertThat(Integer.parseInt(m.group(1))).isBetween(0, 2);
      assertThat(Integer.parseInt(m.group(2))).isBetween(0, 2);
    }
    assertThat(printed).hasSizeGreaterThanOrEqualTo(3);
    // the simulator's own log, pass by pass (each pass runs at its own simulated instant)
    Map<Instant, Integer> logged = new java.util.TreeMap<>();
    lab.sim.requests("/organization/usage").forEach(q -> logged.merge(q.at(), 1, Integer::sum));
    assertThat(logged.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(4));
    assertThat(printed.stream().filter(n -> n > 0).toList())
        .containsExactlyElementsOf(logged.values());
    for (int i = 0; i < runs.size(); i++) {
      Instant s = starts.get(i);
      assertThat(lab.figures(runs.get(i)))
          .as("run %d", i)
          .isEqualTo(lab.served(lab.keyId(frameworks[i % 3]), s, s.plusSeconds(120)));
    }
  }

  @Test
  void runShowGivesTheReconciledFiguresPerRunAndStepWithTheirProvenance() throws Exception {
    for (int i = 0; i < 6; i++) {
      lab.chat("ghspec", T0.plusSeconds(10 + 15L * i));
    }
    lab.chat("ghspec", T0.plusSeconds(100));
    String a =
        lab.runWithSteps(
            "ghspec",
            T0.plusSeconds(5),
            T0.plusSeconds(95),
            List.of(
                new StepSpec(1, "plan", T0.plusSeconds(5), T0.plusSeconds(50), 0),
                new StepSpec(2, "build", T0.plusSeconds(50), T0.plusSeconds(95), 0)));
    String b = lab.run("ghspec", T0.plusSeconds(98), T0.plusSeconds(110));
    lab.clock.set(T0.plus(Duration.ofMinutes(3)));
    assertThat(run("run", "show", a).out()).contains("Reconciliation: not read yet");
    assertThat(run("reconcile", "--watch", "--timeout", "2h").exitCode()).isZero();

    Result table = run("run", "show", a);
    Result json = run("run", "show", a, "--format", "json");

    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out())
        .contains("Reconciliation: final", "step 1", "step 2", "apportioned", "Reads:")
        .contains("Shared minutes:", "with runs " + b);
    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(Files.readString(Path.of("..", "docs", "json", "run-show.schema.json")));
    JsonNode tree = JSON.readTree(json.out());
    assertThat(schema.validate(tree)).as(json.out()).isEmpty();
    JsonNode rec = tree.path("reconciliation");
    assertThat(rec.path("status").asText()).isEqualTo("final");
    assertThat(rec.path("run").path("basis").asText()).isEqualTo("apportioned");
    assertThat(rec.path("run").path("requests").asLong()).isEqualTo(lab.figures(a).requests());
    assertThat(rec.path("steps").size()).isEqualTo(2);
    long stepInput = 0;
    for (JsonNode step : rec.path("steps")) {
      stepInput += step.path("input_tokens").asLong();
    }
    assertThat(stepInput + rec.path("unstepped").path("input_tokens").asLong(0))
        .isEqualTo(rec.path("run").path("input_tokens").asLong());
    assertThat(rec.path("reads").get(0).path("endpoint").asText()).isEqualTo("completions");
    assertThat(rec.path("shared_minutes").get(0).path("other_runs").get(0).asText()).isEqualTo(b);
    assertThat(
            JSON.readTree(run("run", "show", b, "--format", "json").out())
                .path("reconciliation")
                .path("run")
                .path("basis")
                .asText())
        .isEqualTo("apportioned");
  }

  private static List<String> lines(String text, String containing) {
    return text.lines().filter(l -> l.contains(containing) && !l.startsWith("  ")).toList();
  }
}
