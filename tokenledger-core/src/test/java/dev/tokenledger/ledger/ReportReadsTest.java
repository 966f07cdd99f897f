package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import dev.tokenledger.ledger.ClaimStore.Claim;
import dev.tokenledger.ledger.ProvenanceStore.Accepted;
import dev.tokenledger.ledger.ProvenanceStore.ReportedRun;
import dev.tokenledger.ledger.SettlementStore.AttemptRecord;
import dev.tokenledger.ledger.SettlementStore.Settlement;
import dev.tokenledger.ledger.UsageStore.ReadRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a report reads in one query each ({@link ProvenanceStore#reportedRuns} and {@link
 * ProvenanceStore#reportedLines}) is what {@link Ledger#runs}, {@link ProvenanceStore#accepted} and
 * {@link ProvenanceStore#lines} give run by run, on SQLite and PostgreSQL.
 */
class ReportReadsTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private Ledger ledger;

  @AfterEach
  void close() {
    if (ledger != null) {
      ledger.close();
    }
  }

  private void open(Backend backend) {
    ledger =
        Ledger.builder(backend.newLocation(dir))
            .clock(clock)
            .heartbeatInterval(Duration.ZERO)
            .open();
  }

  private String run(String framework, int minute) {
    Instant start = T0.plusSeconds(60L * minute);
    return ledger
        .recordFinishedRun(
            RunSpec.builder(framework)
                .experiment("e1")
                .apiKeyId("key_" + framework)
                .startedAt(start)
                .endedAt(start.plusSeconds(50))
                .build(),
            List.of(
                new StepSpec(1, "plan", start, start.plusSeconds(20), 0),
                new StepSpec(2, "code", start.plusSeconds(20), start.plusSeconds(50), 0)))
        .runId();
  }

  private long read() {
    return ledger
        .usageStore()
        .storeRead(
            new ReadRecord(
                "completions",
                "1m",
                T0,
                T0.plusSeconds(3600),
                "api_key_id,model",
                List.of("key_chatdev"),
                "start_time=1&end_time=2",
                clock.instant(),
                1,
                null,
                "pass-1"),
            List.of(
                new UsageRow(
                    T0,
                    "key_chatdev",
                    "gpt-4o-mini",
                    "default",
                    false,
                    "proj_1",
                    new TokenCounts(10, 5, 2, 1))));
  }

  private static LineFigure line(long readId, StepIndex step, String model, long input) {
    return new LineFigure(
        readId,
        step,
        Endpoint.COMPLETIONS,
        new UsageLine(model, "default", false, "proj_1"),
        new TokenCounts(input, input / 2, input / 10, 1),
        input % 2 == 0 ? Exactness.EXACT : Exactness.APPORTIONED,
        1,
        input);
  }

  /**
   * Stores one attempt of {@code run} at the clock's time: successful with {@code input}, or not.
   */
  private void attempt(String run, Long input) {
    clock.advance(Duration.ofMinutes(1));
    long readId = read();
    Claim claim = ledger.claimStore().claim(List.of(run), ClaimStore.DEFAULT_LEASE);
    AttemptRecord attempt;
    if (input == null) {
      attempt =
          new AttemptRecord(
              run,
              clock.instant(),
              List.of(readId),
              null,
              "the Usage API answered 500",
              ReconcileStatus.PENDING,
              null,
              0,
              List.of(),
              List.of(),
              List.of());
    } else {
      TokenCounts total = new TokenCounts(input, input / 2, input / 10, 2);
      attempt =
          new AttemptRecord(
              run,
              clock.instant(),
              List.of(readId),
              total,
              null,
              ReconcileStatus.SETTLING,
              null,
              1,
              List.of(
                  new Figure(null, total, Exactness.APPORTIONED, total, total, 1),
                  new Figure(StepIndex.of(2), total, Exactness.EXACT, total, total, 0),
                  new Figure(
                      StepIndex.OUTSIDE,
                      TokenCounts.ZERO,
                      Exactness.EXACT,
                      TokenCounts.ZERO,
                      TokenCounts.ZERO,
                      0)),
              List.of(
                  line(readId, null, "gpt-4o-mini", input),
                  line(readId, null, "gpt-4o", input + 1),
                  line(readId, StepIndex.of(2), "gpt-4o-mini", input)),
              List.of());
    }
    ledger
        .settlementStore()
        .storeSettlement(claim, new Settlement(List.of(attempt), Map.of(), List.of()));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void linesReadBeforeANewerAttemptWasAcceptedAreCompletedWithTheRunsAttempt(Backend backend) {
    open(backend);
    String run = run("chatdev", 0);
    String other = run("baes", 1);
    attempt(run, 100L);
    attempt(other, 40L);
    ProvenanceStore store = ledger.provenanceStore();
    // the runs are read, a reconcile accepts a newer attempt, then the lines are read
    List<ReportedRun> runs = store.reportedRuns(RunQuery.all(), true);
    attempt(run, 120L);
    Map<Long, List<LineFigure>> lines = store.reportedLines(RunQuery.all(), true);
    long attemptRead = runs.get(0).attemptId();
    assertThat(lines).doesNotContainKey(attemptRead);

    Map<Long, List<LineFigure>> complete = store.completeLines(runs, lines, true);

    for (ReportedRun r : runs) {
      assertThat(complete.get(r.attemptId()))
          .isEqualTo(store.lines(List.of(r.attemptId()), true).get(r.attemptId()))
          .isNotEmpty();
    }
    assertThat(store.completeLines(store.reportedRuns(RunQuery.all(), true), lines, true))
        .isSameAs(lines); // nothing to complete when both reads saw the same attempts
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aReportReadsWhatTheRunsAcceptedFiguresAndLinesGiveRunByRun(Backend backend) {
    open(backend);
    String twice = run("chatdev", 2);
    String failedLast = run("baes", 0);
    String neverSucceeded = run("chatdev", 1);
    String untouched = run("ghspec", 3);
    attempt(twice, 100L);
    attempt(failedLast, 40L);
    attempt(twice, 120L); // the later success is the accepted one
    attempt(failedLast, null); // a failure after a success leaves the success accepted
    attempt(neverSucceeded, null);

    for (boolean steps : new boolean[] {false, true}) {
      for (RunQuery query : List.of(RunQuery.all(), RunQuery.all().withFramework("chatdev"))) {
        List<RunRecord> runs = ledger.runs(query);
        List<ReportedRun> reported = ledger.provenanceStore().reportedRuns(query, steps);
        Map<String, Accepted> accepted =
            ledger.provenanceStore().accepted(runs.stream().map(RunRecord::id).toList(), steps);

        assertThat(reported).extracting(ReportedRun::id).containsExactlyElementsOf(ids(runs));
        List<Long> attempts = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
          RunRecord run = runs.get(i);
          ReportedRun r = reported.get(i);
          assertThat(r.framework()).isEqualTo(run.framework());
          assertThat(r.apiKeyId()).isEqualTo(run.apiKeyId());
          assertThat(r.projectId()).isEqualTo(run.projectId());
          assertThat(r.startedAt()).isEqualTo(run.startedAt());
          assertThat(r.reconcileStatus()).isEqualTo(run.reconcileStatus());
          assertThat(r.metering()).isEqualTo(run.metering());
          Accepted a = accepted.get(run.id());
          if (a == null) {
            assertThat(r.attemptId()).isNull();
            assertThat(r.figures()).isEmpty();
          } else {
            assertThat(r.attemptId()).isEqualTo(a.attempt().id());
            assertThat(r.figures()).isEqualTo(a.figures());
            attempts.add(a.attempt().id());
          }
        }
        assertThat(ledger.provenanceStore().reportedLines(query, steps))
            .isEqualTo(ledger.provenanceStore().lines(attempts, steps));
      }
    }
    List<ReportedRun> all = ledger.provenanceStore().reportedRuns(RunQuery.all(), true);
    assertThat(all).extracting(ReportedRun::id).contains(untouched);
    assertThat(all.stream().filter(r -> r.id().equals(twice)).findFirst().orElseThrow().figures())
        .extracting(Figure::step)
        .containsExactly(null, StepIndex.OUTSIDE, StepIndex.of(2));
    assertThat(ledger.provenanceStore().reportedLines(RunQuery.all(), false).values())
        .allSatisfy(lines -> assertThat(lines).extracting(LineFigure::step).containsOnlyNulls())
        .hasSize(2);
    assertThatThrownBy(
            () -> ledger.provenanceStore().reportedRuns(RunQuery.all().withLimit(1), false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<String> ids(List<RunRecord> runs) {
    return runs.stream().map(RunRecord::id).toList();
  }
}
