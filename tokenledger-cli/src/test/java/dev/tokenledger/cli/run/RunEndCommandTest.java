package dev.tokenledger.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.ProcessIdentity;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.RunSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run end}: a harness can end a run it knows has ended, and bad times are usage errors. */
class RunEndCommandTest {
  static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");

  @TempDir Path dir;

  CliHarness cli(Instant now) {
    return new CliHarness(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
  }

  /** A run whose writer (a process that does not exist) is gone: readers see it interrupted. */
  String interruptedRun() {
    try (Ledger ledger =
        Ledger.builder(LedgerLocation.sqlite(dir.resolve(".tokenledger/ledger.db")))
            .clock(Clock.fixed(T0, ZoneOffset.UTC))
            .heartbeatInterval(Duration.ZERO)
            .open()) {
      ProcessIdentity gone = new ProcessIdentity(ProcessIdentity.localHost(), 999_999_999L, T0);
      return ledger.beginRun(RunSpec.builder("chatdev").startedAt(T0).build(), gone).id();
    }
  }

  RunRecord read(String runId) {
    try (Ledger ledger =
        Ledger.builder(LedgerLocation.sqlite(dir.resolve(".tokenledger/ledger.db")))
            .heartbeatInterval(Duration.ZERO)
            .open()) {
      return ledger.run(runId);
    }
  }

  @Test
  void anInterruptedRunClosedByHandCanStillBeEndedWithItsExitCodeAndTime() {
    String runId = interruptedRun();
    Instant later = T0.plus(Duration.ofHours(2));

    CliHarness.Result closed = cli(later).run("run", "end", "--run", runId);
    CliHarness.Result ended =
        cli(later)
            .run("run", "end", "--run", runId, "--exit-code", "0", "--at", "2025-10-27T10:30:00Z");

    assertThat(closed.exitCode()).as(closed.err()).isZero();
    assertThat(closed.err()).contains("was interrupted");
    assertThat(ended.exitCode()).as(ended.err()).isZero();
    RunRecord run = read(runId);
    assertThat(run.status()).isEqualTo(RecordingStatus.ENDED);
    assertThat(run.endedAt()).isEqualTo(Instant.parse("2025-10-27T10:30:00Z"));
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void anInterruptedRunEndedWithAnExitCodeIsEnded() {
    String runId = interruptedRun();

    CliHarness.Result r =
        cli(T0.plus(Duration.ofHours(1))).run("run", "end", "--run", runId, "--exit-code", "3");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(read(runId).status()).isEqualTo(RecordingStatus.ENDED);
    assertThat(read(runId).exitCode()).isEqualTo(3);
  }

  @Test
  void endingARunBeforeItStartedIsAUsageError() {
    String runId = interruptedRun();

    CliHarness.Result r =
        cli(T0.plusSeconds(60)).run("run", "end", "--run", runId, "--at", "2025-10-27T09:59:59Z");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("before it started at 2025-10-27T10:00:00Z");
  }
}
