package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ledger's contract, the same on SQLite and PostgreSQL. */
class LedgerTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private Ledger ledger;

  private Ledger open(Backend backend) {
    ledger =
        Ledger.builder(backend.newLocation(dir))
            .clock(clock)
            .heartbeatInterval(Duration.ZERO)
            .open();
    return ledger;
  }

  @AfterEach
  void close() {
    if (ledger != null) {
      ledger.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRunWithStepsReadsBackWithTheClocksInstants(Backend backend) {
    open(backend);
    String runId;
    try (Run run =
        ledger.startRun(
            RunSpec.builder("chatdev")
                .experiment("e1")
                .label("first")
                .apiKeyId("key_abc")
                .build())) {
      runId = run.id();
      try (Step s = run.step("create entity")) {
        clock.advance(Duration.ofSeconds(42));
      }
      clock.advance(Duration.ofSeconds(3));
      try (Step s = run.step("add relation")) {
        s.exitCode(1);
        clock.advance(Duration.ofMillis(1500));
      }
      run.exitCode(1);
    }

    RunRecord run = ledger.run(runId);
    assertThat(run.framework()).isEqualTo("chatdev");
    assertThat(run.experiment()).isEqualTo("e1");
    assertThat(run.label()).isEqualTo("first");
    assertThat(run.apiKeyId()).isEqualTo("key_abc");
    assertThat(run.startedAt()).isEqualTo(T0);
    assertThat(run.endedAt()).isEqualTo(T0.plusMillis(46_500));
    assertThat(run.status()).isEqualTo(RecordingStatus.ENDED);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.source()).isEqualTo("api");
    List<StepRecord> steps = ledger.steps(runId);
    assertThat(steps)
        .extracting(StepRecord::index, StepRecord::name, StepRecord::startedAt, StepRecord::endedAt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "create entity", T0, T0.plusSeconds(42)),
            org.assertj.core.groups.Tuple.tuple(
                2, "add relation", T0.plusSeconds(45), T0.plusMillis(46_500)));
    assertThat(steps.get(1).exitCode()).isEqualTo(1);
    assertThat(steps).allMatch(s -> s.status() == RecordingStatus.ENDED);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void endingAMissingRunNamesIt(Backend backend) {
    open(backend);
    assertThatThrownBy(() -> ledger.endRun("nope", null, null))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("no run 'nope'");
  }
}
