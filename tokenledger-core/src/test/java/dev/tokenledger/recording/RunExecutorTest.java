package dev.tokenledger.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.MutableClock;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.StepRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunExecutorTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:10Z");
  private static final ApiKey KEY = ApiKey.of("sk-proj-test-canary-00000000000000000000000c0de");
  private static final ApiKey ADMIN = ApiKey.of("sk-admin-test-canary-0000000000000000000000ad01");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final StringWriter err = new StringWriter();
  private Consumer<Process> onStart = p -> {};

  private LedgerLocation location() {
    return LedgerLocation.sqlite(dir.resolve("ledger").resolve("ledger.db"));
  }

  private Ledger openLedger() {
    return Ledger.builder(location()).clock(clock).heartbeatInterval(Duration.ZERO).open();
  }

  private RunExecutor executor() {
    return executor(this::openLedger);
  }

  private RunExecutor executor(java.util.function.Supplier<Ledger> opener) {
    Path out = dir.resolve("child.out");
    return new RunExecutor(
        opener,
        clock,
        wait -> clock.advance(wait),
        new PrintWriter(err, true),
        new RunExecutor.Streams(
            ProcessBuilder.Redirect.from(nullFile()),
            ProcessBuilder.Redirect.to(out.toFile()),
            ProcessBuilder.Redirect.appendTo(dir.resolve("child.err").toFile())),
        p -> onStart.accept(p),
        null);
  }

  private static java.io.File nullFile() {
    return new java.io.File("/dev/null");
  }

  private ExecRequest request(String runId, boolean fence, String... command) {
    return new ExecRequest(
        "chatdev",
        KEY,
        "key_chatdev",
        "e1",
        null,
        runId,
        null,
        null,
        fence,
        List.of(command),
        Map.of(
            "PATH", System.getenv("PATH"),
            "OPENAI_BASE_URL", "http://127.0.0.1:9/v1",
            "OPENAI_ADMIN_KEY", ADMIN.revealForChildProcess(),
            "OPENAI_API_KEY_BAES", "sk-proj-test-canary-other-framework-0000",
            "OPENAI_API_KEY_CHATDEV_ID", "key_chatdev"),
        dir,
        null);
  }

  private List<RunRecord> runs() {
    try (Ledger l = openLedger()) {
      return l.runs(RunQuery.all());
    }
  }

  private List<StepRecord> steps(String runId) {
    try (Ledger l = openLedger()) {
      return l.steps(runId);
    }
  }

  @Test
  void theChildsExitCodeIsReturnedAndRecorded() {
    onStart = p -> clock.advance(Duration.ofSeconds(1));
    assertThat(executor().execute(request(null, false, "true"))).isZero();
    assertThat(executor().execute(request(null, false, "sh", "-c", "exit 1"))).isEqualTo(1);
    assertThat(executor().execute(request(null, false, "sh", "-c", "kill -9 $$"))).isEqualTo(137);

    assertThat(runs()).extracting(RunRecord::exitCode).containsExactly(0, 1, 137);
    assertThat(runs()).allMatch(r -> r.status() == RecordingStatus.ENDED);
    assertThat(runs()).allMatch(r -> r.source().equals("exec"));
    assertThat(steps(runs().get(2).id()))
        .extracting(StepRecord::index, StepRecord::name, StepRecord::exitCode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "sh", 137));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void theChildGetsTheFrameworkKeyAndTheBaseUrlButNoOtherKey() throws Exception {
    int code =
        executor()
            .execute(
                request(
                    null,
                    false,
                    "sh",
                    "-c",
                    "echo \"$OPENAI_API_KEY|$OPENAI_BASE_URL|${OPENAI_ADMIN_KEY:-none}"
                        + "|${OPENAI_API_KEY_BAES:-none}|$OPENAI_API_KEY_CHATDEV_ID"
                        + "|$TOKENLEDGER_RUN_ID|$TOKENLEDGER_STEP\""));

    assertThat(code).isZero();
    String runId = runs().get(0).id();
    assertThat(Files.readString(dir.resolve("child.out"), StandardCharsets.UTF_8).strip())
        .isEqualTo(
            KEY.revealForChildProcess()
                + "|http://127.0.0.1:9/v1|none|none|key_chatdev|"
                + runId
                + "|1");
  }

  @Test
  void aStepIsAddedToAnExistingRunWhichStaysOpen() {
    String runId;
    try (Ledger l = openLedger()) {
      runId =
          l.beginRun(
                  RunSpec.builder("chatdev").build(),
                  dev.tokenledger.ledger.ProcessIdentity.current())
              .id();
    }
    executor().execute(request(runId, false, "true"));
    executor().execute(request(runId, false, "false"));

    assertThat(runs()).singleElement().satisfies(r -> assertThat(r.endedAt()).isNull());
    assertThat(steps(runId)).extracting(StepRecord::exitCode).containsExactly(0, 1);
  }

  @Test
  void anUnavailableLedgerIsAWarningAndTheChildStillRuns() {
    int code =
        executor(
                () -> {
                  throw new dev.tokenledger.ledger.LedgerException("disk on fire");
                })
            .execute(request(null, false, "sh", "-c", "exit 3"));

    assertThat(code).isEqualTo(3);
    assertThat(err.toString())
        .contains("tokenledger: warning: the ledger is not available (disk on fire)")
        .contains("runs unrecorded");
  }

  @Test
  void aLedgerFailingWhileTheChildRunsIsAWarningAndTheChildsCodeWins() {
    Ledger[] opened = new Ledger[1];
    onStart = p -> opened[0].close(); // the database goes away while the child runs

    int code =
        executor(() -> opened[0] = openLedger())
            .execute(request(null, false, "sh", "-c", "exit 5"));

    assertThat(code).isEqualTo(5);
    assertThat(err.toString()).contains("tokenledger: warning: could not record the end of this");
  }

  @Test
  void aCommandThatCannotStartEndsTheStepWith127() {
    int code = executor().execute(request(null, false, dir.resolve("no-such-program").toString()));

    assertThat(code).isEqualTo(RunExecutor.CANNOT_START);
    assertThat(err.toString()).contains("tokenledger: error: cannot run '");
    assertThat(runs()).extracting(RunRecord::exitCode).containsExactly(127);
  }

  @Test
  void fencingWithASteppedClockStartsEachStepInAFreshMinute() {
    onStart = p -> clock.advance(Duration.ofSeconds(25)); // every step takes 25 s
    for (int i = 0; i < 3; i++) {
      executor().execute(request(null, true, "true"));
    }

    List<StepRecord> steps = new ArrayList<>();
    runs().forEach(r -> steps.addAll(steps(r.id())));
    assertThat(steps).hasSize(3);
    assertThat(steps.get(0).startedAt()).isEqualTo(T0); // nothing before it: no wait
    for (int i = 1; i < steps.size(); i++) {
      Instant start = steps.get(i).startedAt();
      Instant previousEnd = steps.get(i - 1).endedAt();
      assertThat(start.truncatedTo(ChronoUnit.MINUTES))
          .isAfter(previousEnd.truncatedTo(ChronoUnit.MINUTES));
      assertThat(start.getEpochSecond() % 60).isEqualTo(2);
    }
    assertThat(err.toString())
        .contains("tokenledger: fencing: waiting 27 s until 2025-10-27T10:01:02Z")
        .contains("fresh minute of key sk-proj-…c0de")
        .doesNotContain(KEY.revealForChildProcess());
  }
}
