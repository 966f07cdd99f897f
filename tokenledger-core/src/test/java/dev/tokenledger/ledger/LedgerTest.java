package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tokenledger.config.ApiKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ledger's contract, the same on SQLite and PostgreSQL. */
class LedgerTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  private static final ProcessIdentity HARNESS =
      new ProcessIdentity(ProcessIdentity.localHost(), 4242, T0.minusSeconds(60));

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final AtomicBoolean harnessAlive = new AtomicBoolean(true);
  private final List<Ledger> opened = new ArrayList<>();
  private LedgerLocation location;
  private Ledger ledger;

  private Ledger open(Backend backend) {
    location = backend.newLocation(dir);
    ledger = reader(ProcessIdentity.localHost());
    return ledger;
  }

  /** Another ledger instance on the same database, as a reader on {@code host} would see it. */
  private Ledger reader(String host) {
    Ledger l =
        Ledger.builder(location)
            .clock(clock)
            .heartbeatInterval(Duration.ZERO)
            .localHost(host)
            .liveness(p -> p.pid() != HARNESS.pid() || harnessAlive.get())
            .open();
    opened.add(l);
    return l;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(Ledger::close);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRunWithStepsReadsBackWithTheClocksInstants(Backend backend) {
    open(backend);
    ApiKey key = ApiKey.of("sk-proj-test-canary-0000000000000000000000001234");
    String runId;
    try (Run run =
        ledger.startRun(
            RunSpec.builder("chatdev")
                .experiment("e1")
                .label("first")
                .apiKeyId("key_abc")
                .keyFingerprint(ledger.keyFingerprint(key))
                .projectId("proj_1")
                .modelHint("gpt-4o-mini")
                .build())) {
      runId = run.id();
      try (Step s = run.step("create entity")) {
        clock.advance(Duration.ofSeconds(42));
      }
      clock.advance(Duration.ofSeconds(3));
      try (Step s = run.step("add relation")) {
        s.exitCode(1);
        clock.advance(Duration.ofNanos(1_500_000_789L));
      }
      run.exitCode(1);
    }

    RunRecord run = ledger.run(runId);
    assertThat(run.framework()).isEqualTo("chatdev");
    assertThat(run.experiment()).isEqualTo("e1");
    assertThat(run.label()).isEqualTo("first");
    assertThat(run.apiKeyId()).isEqualTo("key_abc");
    assertThat(run.keyFingerprint())
        .isEqualTo(key.fingerprint(ledger.keySalt()))
        .matches("[0-9a-f]{64}");
    assertThat(run.projectId()).isEqualTo("proj_1");
    assertThat(run.modelHint()).isEqualTo("gpt-4o-mini");
    assertThat(run.startedAt()).isEqualTo(T0);
    assertThat(run.endedAt()).isEqualTo(T0.plusNanos(46_500_000_000L)); // micros are kept
    assertThat(run.status()).isEqualTo(RecordingStatus.ENDED);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.source()).isEqualTo("api");
    assertThat(run.writer().pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(ledger.steps(runId))
        .extracting(
            StepRecord::index,
            StepRecord::name,
            StepRecord::startedAt,
            StepRecord::endedAt,
            StepRecord::exitCode,
            StepRecord::status)
        .containsExactly(
            tuple(1, "create entity", T0, T0.plusSeconds(42), null, RecordingStatus.ENDED),
            tuple(
                2,
                "add relation",
                T0.plusSeconds(45),
                T0.plusMillis(46_500),
                1,
                RecordingStatus.ENDED));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void theLedgerStoresNoKeyOnlyItsFingerprint(Backend backend) throws Exception {
    open(backend);
    String secret = "sk-proj-test-canary-0000000000000000000000009999";
    ledger
        .startRun(
            RunSpec.builder("chatdev")
                .keyFingerprint(ledger.keyFingerprint(ApiKey.of(secret)))
                .build())
        .close();

    StringBuilder everything = new StringBuilder();
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM runs")) {
      while (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          everything.append(rs.getString(i)).append('|');
        }
      }
    }
    assertThat(everything.toString())
        .doesNotContain(secret)
        .contains(ledger.keyFingerprint(ApiKey.of(secret)));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void stepsTakeTheNextIndexUnlessOneIsGiven(Backend backend) {
    open(backend);
    String runId = ledger.beginRun(RunSpec.builder("baes").build(), HARNESS).id();

    ledger.beginStep(runId, 3, "third", HARNESS, null);
    StepRecord next = ledger.beginStep(runId, null, "after", HARNESS, null);

    assertThat(next.index()).isEqualTo(4);
    assertThatThrownBy(() -> ledger.beginStep(runId, 3, "again", HARNESS, null))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("step 3 of run " + runId + " already exists");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aStepCannotBeAddedToAnEndedRunNorEndedTwice(Backend backend) {
    open(backend);
    String runId = ledger.beginRun(RunSpec.builder("baes").build(), HARNESS).id();
    ledger.beginStep(runId, null, "one", HARNESS, null);
    ledger.endStep(runId, 1, 0, null);

    assertThatThrownBy(() -> ledger.endStep(runId, 1, 0, null))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("already ended");
    ledger.endRun(runId, 0, null);
    assertThatThrownBy(() -> ledger.beginStep(runId, null, "two", HARNESS, null))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("run " + runId + " has ended");
    assertThatThrownBy(() -> ledger.endRun(runId, 0, null))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("already ended");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void unknownRunsAreNamedInTheError(Backend backend) {
    open(backend);
    assertThatThrownBy(() -> ledger.endRun("nope", null, null))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("no run 'nope'");
    assertThatThrownBy(() -> ledger.run("nope"))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("no run 'nope'")
        .hasMessageContaining("run list");
    assertThatThrownBy(() -> ledger.beginStep("nope", null, "x", HARNESS, null))
        .hasMessageContaining("no run 'nope'");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRunWhoseWriterDiedIsInterruptedAtTheLastTimeItWasSeen(Backend backend) {
    open(backend);
    String runId = ledger.beginRun(RunSpec.builder("chatdev").build(), HARNESS).id();
    clock.advance(Duration.ofSeconds(10));
    ledger.beginStep(runId, null, "one", HARNESS, null);
    clock.advance(Duration.ofSeconds(20));
    ledger.endStep(runId, 1, 0, null);
    clock.advance(Duration.ofSeconds(5));
    ledger.beginStep(runId, null, "two", HARNESS, null);
    clock.advance(Duration.ofMinutes(30));

    assertThat(ledger.run(runId).status()).isEqualTo(RecordingStatus.RECORDING);
    harnessAlive.set(false);

    RunRecord run = ledger.run(runId);
    assertThat(run.status()).isEqualTo(RecordingStatus.INTERRUPTED);
    assertThat(run.effectiveEnd()).isEqualTo(T0.plusSeconds(35));
    assertThat(ledger.steps(runId).get(1).status()).isEqualTo(RecordingStatus.INTERRUPTED);
    assertThat(ledger.runs(RunQuery.all().withStatus(RecordingStatus.INTERRUPTED)))
        .extracting(RunRecord::id)
        .containsExactly(runId);

    RunRecord closed = ledger.endRun(runId, null, null);

    assertThat(closed.status()).isEqualTo(RecordingStatus.INTERRUPTED);
    assertThat(closed.endedAt()).isEqualTo(T0.plusSeconds(35));
    assertThat(ledger.steps(runId))
        .extracting(StepRecord::status, StepRecord::endedAt)
        .containsExactly(
            tuple(RecordingStatus.ENDED, T0.plusSeconds(30)),
            tuple(RecordingStatus.INTERRUPTED, T0.plusSeconds(35)));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void closingAnInterruptedRunByHandAtAGivenTimeEndsIt(Backend backend) {
    open(backend);
    String runId = ledger.beginRun(RunSpec.builder("chatdev").build(), HARNESS).id();
    harnessAlive.set(false);

    RunRecord closed = ledger.endRun(runId, 137, T0.plusSeconds(90));

    assertThat(closed.status()).isEqualTo(RecordingStatus.ENDED);
    assertThat(closed.endedAt()).isEqualTo(T0.plusSeconds(90));
    assertThat(closed.exitCode()).isEqualTo(137);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aReaderOnAnotherHostTrustsHeartbeatsUntilTheyGoStale(Backend backend) {
    open(backend);
    Run run = ledger.startRun(RunSpec.builder("ghspec").build());
    Step step = run.step("long step");
    clock.advance(Duration.ofMinutes(10));
    ledger.heartbeatNow();
    Ledger elsewhere = reader("another-machine");

    clock.advance(Duration.ofMinutes(2));
    assertThat(elsewhere.run(run.id()).status()).isEqualTo(RecordingStatus.RECORDING);

    clock.advance(Duration.ofMinutes(2));
    RunRecord seen = elsewhere.run(run.id());
    assertThat(seen.status()).isEqualTo(RecordingStatus.INTERRUPTED);
    assertThat(seen.effectiveEnd()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(elsewhere.steps(run.id()).get(0).effectiveEnd())
        .isEqualTo(T0.plus(Duration.ofMinutes(10)));
    // On the writer's own host the live process is what counts.
    assertThat(ledger.run(run.id()).status()).isEqualTo(RecordingStatus.RECORDING);
    step.close();
    run.close();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void listingFiltersByExperimentFrameworkStatusAndStartAndKeepsTheLatest(Backend backend) {
    open(backend);
    List<String> ids = new ArrayList<>();
    String[][] runs = {{"e1", "chatdev"}, {"e1", "baes"}, {"e2", "chatdev"}, {"e2", "ghspec"}};
    for (String[] r : runs) {
      ids.add(ledger.beginRun(RunSpec.builder(r[1]).experiment(r[0]).build(), HARNESS).id());
      clock.advance(Duration.ofMinutes(1));
    }
    ledger.endRun(ids.get(1), 0, null);

    assertThat(ledger.runs(RunQuery.all()))
        .extracting(RunRecord::id)
        .containsExactlyElementsOf(ids);
    assertThat(ledger.runs(RunQuery.all().withExperiment("e1")))
        .extracting(RunRecord::id)
        .containsExactly(ids.get(0), ids.get(1));
    assertThat(ledger.runs(RunQuery.all().withFramework("chatdev")))
        .extracting(RunRecord::id)
        .containsExactly(ids.get(0), ids.get(2));
    assertThat(ledger.runs(RunQuery.all().withStatus(RecordingStatus.ENDED)))
        .extracting(RunRecord::id)
        .containsExactly(ids.get(1));
    assertThat(ledger.runs(RunQuery.all().withStatus(RecordingStatus.RECORDING)))
        .extracting(RunRecord::id)
        .containsExactly(ids.get(0), ids.get(2), ids.get(3));
    assertThat(
            ledger.runs(
                RunQuery.all().withSince(T0.plusSeconds(60)).withUntil(T0.plusSeconds(180))))
        .extracting(RunRecord::id)
        .containsExactly(ids.get(1), ids.get(2));
    assertThat(ledger.runs(RunQuery.all().withLimit(2)))
        .extracting(RunRecord::id)
        .containsExactly(ids.get(2), ids.get(3));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void keyActivityGivesTheLastEndOfAnyWindowOfTheKey(Backend backend) {
    open(backend);
    String fp =
        ledger.keyFingerprint(ApiKey.of("sk-proj-test-canary-000000000000000000000000aaaa"));
    String other =
        ledger.keyFingerprint(ApiKey.of("sk-proj-test-canary-000000000000000000000000bbbb"));
    assertThat(ledger.keyActivity(fp, null).lastWindowEnd()).isNull();

    String a = ledger.beginRun(RunSpec.builder("chatdev").keyFingerprint(fp).build(), HARNESS).id();
    ledger.beginStep(a, null, "s", HARNESS, null);
    clock.advance(Duration.ofSeconds(70));
    ledger.endStep(a, 1, 0, null);
    String b = ledger.beginRun(RunSpec.builder("baes").keyFingerprint(other).build(), HARNESS).id();
    clock.advance(Duration.ofSeconds(70));
    ledger.endRun(b, 0, null);

    KeyActivity activity = ledger.keyActivity(fp, "key_unused");
    assertThat(activity.lastWindowEnd()).isEqualTo(T0.plusSeconds(70));
    assertThat(activity.recordingRunIds()).containsExactly(a);
    assertThat(ledger.keyActivity(null, null).lastWindowEnd()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void recordingAFinishedRunTwiceAddsNothing(Backend backend) {
    open(backend);
    RunSpec spec =
        RunSpec.builder("chatdev")
            .source(RunSpec.SOURCE_GENAI_DEVBENCH)
            .externalId("3f1c2a9e")
            .sourcePath("runs/chatdev/3f1c2a9e")
            .startedAt(T0)
            .endedAt(T0.plusSeconds(234))
            .build();
    List<StepSpec> steps =
        List.of(
            new StepSpec(1, "step 1", T0, T0.plusSeconds(122), null),
            new StepSpec(2, "step 2", T0.plusSeconds(127), T0.plusSeconds(168), null));

    ImportOutcome first = ledger.recordFinishedRun(spec, steps);
    ImportOutcome second = ledger.recordFinishedRun(spec, steps);

    assertThat(first.created()).isTrue();
    assertThat(first.stepsAdded()).isEqualTo(2);
    assertThat(second).isEqualTo(new ImportOutcome(first.runId(), false, 0, false));
    assertThat(ledger.runs(RunQuery.all())).hasSize(1);
    RunRecord run = ledger.run(first.runId());
    assertThat(run.status()).isEqualTo(RecordingStatus.ENDED);
    assertThat(run.writer()).isNull();
    assertThat(run.externalId()).isEqualTo("3f1c2a9e");
    assertThat(ledger.steps(first.runId())).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aFinishedRunRecordedAgainWithMoreStepsGainsOnlyTheNewOnes(Backend backend) {
    open(backend);
    RunSpec unfinished =
        RunSpec.builder("baes").source("genai-devbench").externalId("r1").startedAt(T0).build();
    StepSpec one = new StepSpec(1, null, T0, T0.plusSeconds(10), null);
    StepSpec two = new StepSpec(2, null, T0.plusSeconds(12), T0.plusSeconds(20), null);

    ImportOutcome first = ledger.recordFinishedRun(unfinished, List.of(one));
    assertThat(ledger.run(first.runId()).status()).isEqualTo(RecordingStatus.INTERRUPTED);
    ImportOutcome again =
        ledger.recordFinishedRun(
            unfinished.toBuilder().endedAt(T0.plusSeconds(21)).build(), List.of(one, two));

    assertThat(again).isEqualTo(new ImportOutcome(first.runId(), false, 1, false));
    RunRecord run = ledger.run(first.runId());
    assertThat(run.status()).isEqualTo(RecordingStatus.ENDED);
    assertThat(run.endedAt()).isEqualTo(T0.plusSeconds(21));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void reopeningAnExistingLedgerKeepsItsRuns(Backend backend) {
    open(backend);
    String id = ledger.beginRun(RunSpec.builder("chatdev").build(), HARNESS).id();

    Ledger again = reader(ProcessIdentity.localHost());

    assertThat(again.run(id).framework()).isEqualTo("chatdev");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRunClosedAsInterruptedCanBeEndedWithItsRealEndAndExitCode(Backend backend) {
    open(backend);
    String runId = ledger.beginRun(RunSpec.builder("chatdev").build(), HARNESS).id();
    harnessAlive.set(false);
    clock.advance(Duration.ofMinutes(30));
    assertThat(ledger.endRun(runId, null, null).status()).isEqualTo(RecordingStatus.INTERRUPTED);

    RunRecord ended = ledger.endRun(runId, 0, T0.plusSeconds(90));

    assertThat(ended.status()).isEqualTo(RecordingStatus.ENDED);
    assertThat(ended.endedAt()).isEqualTo(T0.plusSeconds(90));
    assertThat(ended.exitCode()).isZero();
    assertThatThrownBy(() -> ledger.endRun(runId, 0, null))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("already ended");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void endingARunBeforeItStartedIsAnArgumentError(Backend backend) {
    open(backend);
    String runId = ledger.beginRun(RunSpec.builder("chatdev").build(), HARNESS).id();

    assertThatThrownBy(() -> ledger.endRun(runId, 0, T0.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("before it started at " + T0);
  }
}
