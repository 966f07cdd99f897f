package dev.tokenledger.cli.reconcile;

import static dev.tokenledger.cli.reconcile.ReconcileAcceptanceTest.outcome;
import static dev.tokenledger.cli.reconcile.SimLab.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.openai.ApiUnavailableException;
import dev.tokenledger.reconcile.PassListener;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.reconcile.RunOutcome;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.RecordedRequest;
import dev.tokenledger.sim.ReportingDelay;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong during a pass: rate limits and server errors are retried; when the retries run
 * out the runs record an error and keep their figures; a pass that dies between storing its reads
 * and storing its figures (an exception, or kill -9) leaves a consistent ledger, and a rerun ends
 * with the same final figures as an undisturbed run.
 */
class ReconcileFaultsTest {
  @TempDir Path dir;

  private SimLab lab() {
    return new SimLab(
        LedgerLocation.sqlite(dir.resolve("ledger.db")),
        ReportingDelay.uniform(Duration.ofMinutes(1), Duration.ofMinutes(4)));
  }

  /** Two runs of two frameworks; the clock 12 minutes later, everything visible. */
  private static List<String> twoRuns(SimLab lab) {
    for (int i = 0; i < 5; i++) {
      lab.chat("chatdev", T0.plusSeconds(10 + 15L * i));
      lab.chat("baes", T0.plusSeconds(12 + 15L * i), "gpt-4.1-mini");
    }
    List<String> runs =
        List.of(
            lab.run("chatdev", T0, T0.plusSeconds(90)), lab.run("baes", T0, T0.plusSeconds(92)));
    lab.clock.set(T0.plus(Duration.ofMinutes(12)));
    return runs;
  }

  private static void assertSettledToTheTruth(SimLab lab, List<String> runs) {
    assertThat(lab.figures(runs.get(0))).isEqualTo(lab.served(lab.keyId("chatdev")));
    assertThat(lab.figures(runs.get(1))).isEqualTo(lab.served(lab.keyId("baes")));
    for (String run : runs) {
      assertThat(lab.reconciliation(run).latest().status()).isEqualTo(ReconcileStatus.FINAL);
    }
  }

  @Test
  void rateLimitsAndServerErrorsAreRetriedWithinThePass() {
    try (SimLab lab = lab()) {
      List<String> runs = twoRuns(lab);
      lab.sim
          .faults()
          .onPath("/organization/usage/completions")
          .next(2, Fault.rateLimited(2))
          .next(1, Fault.serverError(503));

      PassReport pass = lab.reconciler().pass(PassRequest.notFinal());

      assertThat(pass.apiError()).isNull();
      assertThat(pass.stats().requestsByEndpoint()).containsEntry("completions", 4);
      assertThat(lab.sim.requests("/organization/usage/completions"))
          .extracting(RecordedRequest::status)
          .containsExactly(429, 429, 503, 200);
      assertThat(pass.runs())
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(ReconcileStatus.SETTLING));
      lab.settle();
      assertSettledToTheTruth(lab, runs);
    }
  }

  @Test
  void whenRetriesRunOutTheRunsRecordAnErrorKeepTheirFiguresAndTheNextPassFinishes() {
    try (SimLab lab = lab()) {
      List<String> runs = twoRuns(lab);
      Reconciler reconciler = lab.reconciler();
      PassReport first = reconciler.pass(PassRequest.notFinal());
      TokenCounts before = outcome(first, runs.get(0)).figures();
      lab.clock.advance(Duration.ofMinutes(5));
      lab.sim.faults().onPath("/organization/usage/embeddings").next(6, Fault.serverError(502));

      PassReport failed = reconciler.pass(PassRequest.notFinal());

      assertThat(failed.apiError()).isInstanceOf(ApiUnavailableException.class);
      RunOutcome o = outcome(failed, runs.get(0));
      assertThat(o.status()).isEqualTo(ReconcileStatus.ERROR);
      assertThat(o.assessment().settledStatus()).isEqualTo(ReconcileStatus.SETTLING);
      assertThat(o.figures()).isEqualTo(before);
      assertThat(o.assessment().lastError()).contains("502");
      assertThat(lab.figures(runs.get(0))).isEqualTo(before);
      assertThat(lab.ledger.run(runs.get(0)).reconcileStatus()).isEqualTo(ReconcileStatus.ERROR);

      lab.clock.advance(Duration.ofMinutes(5));
      PassReport next = reconciler.pass(PassRequest.notFinal());
      assertThat(next.apiError()).isNull();
      assertThat(outcome(next, runs.get(0)).status()).isEqualTo(ReconcileStatus.SETTLING);
      assertThat(outcome(next, runs.get(0)).assessment().identicalReads())
          .as("the failed read neither counts nor breaks the identical reads")
          .isEqualTo(2);
      lab.settle();
      assertSettledToTheTruth(lab, runs);
    }
  }

  @Test
  void aPassThatFailsAfterStoringItsReadsLeavesAConsistentLedgerAndARerunFinishes()
      throws Exception {
    try (SimLab lab = lab()) {
      List<String> runs = twoRuns(lab);
      Reconciler crashing =
          Reconciler.builder(lab.ledger, lab.client())
              .clock(lab.clock)
              .listener(
                  new PassListener() {
                    @Override
                    public void attributing(int runCount) {
                      throw new IllegalStateException("the process dies here");
                    }
                  })
              .build();

      assertThatThrownBy(() -> crashing.pass(PassRequest.notFinal()))
          .hasMessage("the process dies here");

      assertThat(count(lab, "SELECT COUNT(*) FROM usage_reads")).isEqualTo(2);
      assertThat(count(lab, "SELECT COUNT(*) FROM usage_buckets")).isPositive();
      assertThat(count(lab, "SELECT COUNT(*) FROM reconcile_attempts")).isZero();
      assertThat(count(lab, "SELECT COUNT(*) FROM reconcile_leases WHERE holder IS NOT NULL"))
          .isZero();
      for (String run : runs) {
        assertThat(lab.figures(run)).isNull();
      }

      lab.settle();

      assertSettledToTheTruth(lab, runs);
      assertThat(count(lab, "SELECT COUNT(*) FROM reconcile_attempts WHERE status = 'final'"))
          .isEqualTo(2);
    }
  }

  @Test
  void killDashNineBetweenStoringTheReadsAndTheFiguresThenARerunGivesTheSameFinalFigures()
      throws Exception {
    try (SimLab lab = lab()) {
      List<String> runs = twoRuns(lab);
      Process child = childPass(lab).start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        assertThat(out.readLine())
            .as("the child stored its reads")
            .isEqualTo(ReconcilePassMain.READY);
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(count(lab, "SELECT COUNT(*) FROM usage_reads")).isEqualTo(2);
      assertThat(count(lab, "SELECT COUNT(*) FROM reconcile_leases WHERE holder IS NOT NULL"))
          .as("the killed pass still holds its runs")
          .isEqualTo(2);

      PassReport rerun = lab.reconciler().pass(PassRequest.notFinal());

      assertThat(rerun.runs()).allSatisfy(r -> assertThat(r.busy()).isFalse());
      assertThat(rerun.stats().runsRead()).isEqualTo(2);
      lab.settle();
      assertSettledToTheTruth(lab, runs);
      assertThat(count(lab, "SELECT COUNT(*) FROM usage_reads")).isGreaterThan(2);
    }
  }

  /**
   * A separate JVM running one pass on the lab's ledger and simulator, stopping after its reads.
   */
  private ProcessBuilder childPass(SimLab lab) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ReconcilePassMain.class.getName());
    command.add(dir.resolve("ledger.db").toString());
    command.add(lab.sim.baseUrl().toString());
    command.add(lab.clock.instant().toString());
    ProcessBuilder pb = new ProcessBuilder(command);
    // the simulator's fake admin key goes by environment, never on a command line
    pb.environment()
        .put(ReconcilePassMain.KEY_VARIABLE, lab.admin.apiKey().revealForChildProcess());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    return pb;
  }

  private static long count(SimLab lab, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(lab.ledger.location().jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
