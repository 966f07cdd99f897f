package dev.tokenledger.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.MeterStore;
import dev.tokenledger.ledger.Metering;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run exec --meter}, {@code run start/step start --meter} and {@code proxy} from the command
 * line, against the simulator: the child's requests go through a proxy on loopback and every
 * response's usage is in the ledger, exactly what the simulator served; the child's exit code wins.
 */
class MeteredExecTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  @TempDir Path dir;

  private OpenAiSimulator sim;
  private SimKey chatdev;
  private CliHarness cli;

  @BeforeEach
  void startSimulator() {
    sim =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(T0))
            .reportingDelay(ReportingDelay.fixed(java.time.Duration.ZERO))
            .start();
    SimKey admin = sim.register(SimKey.admin("reader"));
    sim.addProject("proj_chatdev", "chatdev");
    chatdev = sim.register(SimKey.project("chatdev runner", "proj_chatdev"));
    cli =
        new CliHarness(dir)
            .clock(sim.clock())
            .env("OPENAI_BASE_URL", sim.baseUrl().toString())
            .env("OPENAI_ADMIN_KEY", admin.apiKey().revealForChildProcess())
            .env("OPENAI_API_KEY_CHATDEV", chatdev.apiKey().revealForChildProcess())
            .env("PATH", System.getenv("PATH"));
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  @Test
  void aMeteredChildsRequestsAreRecordedExactlyAndItsExitCodeIsReturned() throws Exception {
    Path seen = dir.resolve("seen.txt");
    CliHarness.Result r =
        cli.run(
            "run",
            "exec",
            "--meter",
            "--framework",
            "chatdev",
            "--",
            java(),
            "-cp",
            classPath(),
            MeteredChildMain.class.getName(),
            seen.toString(),
            "7");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(7);
    List<String> lines = Files.readAllLines(seen);
    String runId = onlyRun().id();
    assertThat(lines)
        .contains(
            "plain_has_usage=true",
            // the stream did not ask for usage: the proxy asked for it and took it out again
            "stream_mentions_usage=false",
            "stream_done=true")
        .anySatisfy(
            l -> assertThat(l).matches("base=http://127\\.0\\.0\\.1:\\d+/r/" + runId + "/s/1/v1"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches("api_base=http://127\\.0\\.0\\.1:\\d+/r/" + runId + "/s/1/v1"));
    try (Ledger ledger =
        Ledger.open(LedgerLocation.sqlite(dir.resolve(".tokenledger/ledger.db")))) {
      assertThat(ledger.run(runId).metering()).isEqualTo(Metering.METERED);
      List<MeterStore.StoredRequest> recorded = ledger.meterStore().requests(List.of(runId));
      assertThat(recorded).hasSize(2);
      assertThat(recorded)
          .allSatisfy(
              q -> {
                assertThat(q.usageState()).isEqualTo(UsageState.REPORTED);
                assertThat(q.stepIndex()).isEqualTo(1);
                assertThat(q.apiKeyId()).isEqualTo(chatdev.id());
              });
      TokenCounts metered =
          recorded.stream()
              .map(MeterStore.StoredRequest::counts)
              .reduce(TokenCounts.ZERO, TokenCounts::plus);
      assertThat(metered).isEqualTo(sim.servedCompletions(chatdev.id(), T0, T0.plusSeconds(3600)));
    }
    assertThat(r.err()).doesNotContain(chatdev.apiKey().revealForChildProcess());
  }

  @Test
  void aHarnessGetsEachRunsAndStepsBaseUrlToEval() {
    CliHarness.Result start =
        cli.run(
            "run",
            "start",
            "--meter",
            "--framework",
            "chatdev",
            "--format",
            "env",
            "--proxy",
            "http://127.0.0.1:1");
    assertThat(start.exitCode()).as(start.err()).isZero();
    String runId = onlyRun().id();
    assertThat(start.out())
        .isEqualTo(
            "export TOKENLEDGER_RUN_ID="
                + runId
                + "\n"
                + "export OPENAI_BASE_URL=http://127.0.0.1:1/r/"
                + runId
                + "/v1\n"
                + "export OPENAI_API_BASE=http://127.0.0.1:1/r/"
                + runId
                + "/v1\n");
    // nothing listens there: said, but the run is recorded all the same
    assertThat(start.err()).contains("no tokenledger proxy answers at http://127.0.0.1:1");

    CliHarness.Result step =
        cli.env("TOKENLEDGER_RUN_ID", runId)
            .env("TOKENLEDGER_PROXY", "http://127.0.0.1:1")
            .run("run", "step", "start", "--meter", "--name", "plan");
    assertThat(step.exitCode()).as(step.err()).isZero();
    assertThat(step.out()).isEqualTo("http://127.0.0.1:1/r/" + runId + "/s/1/v1\n");
    try (Ledger ledger =
        Ledger.open(LedgerLocation.sqlite(dir.resolve(".tokenledger/ledger.db")))) {
      assertThat(ledger.run(runId).metering()).isEqualTo(Metering.METERED);
    }
  }

  @Test
  void withoutMeterRunStartPrintsTheIdAsBefore() {
    CliHarness.Result start = cli.run("run", "start", "--framework", "chatdev");
    assertThat(start.exitCode()).isZero();
    assertThat(start.out()).isEqualTo(onlyRun().id() + "\n");
  }

  @Test
  void aProxyWhoseUpstreamIsItselfIsRefused() {
    CliHarness.Result r =
        cli.run("proxy", "--port", "8790", "--upstream", "http://127.0.0.1:8790/v1");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("is this proxy itself").contains("--upstream");
  }

  @Test
  void aBindAddressThatIsNoAddressIsAUsageError() {
    CliHarness.Result r = cli.run("proxy", "--bind", "no-such-host.invalid");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--bind no-such-host.invalid is not an address");
  }

  @Test
  void aMalformedProxyAddressIsAConfigurationError() {
    CliHarness.Result r =
        cli.env("TOKENLEDGER_PROXY", "localhost")
            .run("run", "start", "--meter", "--framework", "chatdev");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("TOKENLEDGER_PROXY is 'localhost'").contains("http://HOST:PORT");
  }

  @Test
  void aProxyAddressWithAPathIsRefusedBeforeAnyRunIsRecorded() {
    CliHarness.Result flag =
        cli.run(
            "run",
            "start",
            "--meter",
            "--framework",
            "chatdev",
            "--proxy",
            "http://127.0.0.1:8790/v1");
    assertThat(flag.exitCode()).isEqualTo(2);
    assertThat(flag.err()).contains("--proxy is 'http://127.0.0.1:8790/v1'");
    CliHarness.Result variable =
        cli.env("TOKENLEDGER_PROXY", "http://127.0.0.1:8790/v1")
            .run("run", "start", "--meter", "--framework", "chatdev");
    assertThat(variable.exitCode()).isEqualTo(3);
    assertThat(Files.exists(dir.resolve(".tokenledger/ledger.db"))).isFalse();
  }

  @Test
  void meteringAnUpstreamThatIsAlreadyAMeteredBaseUrlIsRefused() {
    CliHarness.Result r =
        cli.env("OPENAI_BASE_URL", "http://127.0.0.1:8790/r/20260302-100000-aaaaaaaa/s/1/v1")
            .run("run", "exec", "--meter", "--framework", "chatdev", "--", "true");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("would meter these requests twice");
  }

  @Test
  void aLaterMeteredStepDoesNotMakeARunWhoseMeterFailedMeteredAgain() {
    CliHarness.Result start =
        cli.run(
            "run", "start", "--meter", "--framework", "chatdev", "--proxy", "http://127.0.0.1:1");
    assertThat(start.exitCode()).as(start.err()).isZero();
    String runId = onlyRun().id();
    try (Ledger ledger =
        Ledger.open(LedgerLocation.sqlite(dir.resolve(".tokenledger/ledger.db")))) {
      ledger.meterStore().markMeterFailed(runId, "the proxy stopped");
    }
    CliHarness.Result step =
        cli.env("TOKENLEDGER_RUN_ID", runId)
            .run("run", "step", "start", "--meter", "--proxy", "http://127.0.0.1:1");
    assertThat(step.exitCode()).as(step.err()).isZero();
    try (Ledger ledger =
        Ledger.open(LedgerLocation.sqlite(dir.resolve(".tokenledger/ledger.db")))) {
      assertThat(ledger.run(runId).metering()).isEqualTo(Metering.METER_FAILED);
    }
  }

  private RunRecord onlyRun() {
    try (Ledger ledger =
        Ledger.open(LedgerLocation.sqlite(dir.resolve(".tokenledger/ledger.db")))) {
      List<RunRecord> runs = ledger.runs(RunQuery.all());
      assertThat(runs).hasSize(1);
      return runs.get(0);
    }
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static String classPath() throws Exception {
    return Path.of(
            MeteredChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
  }
}
