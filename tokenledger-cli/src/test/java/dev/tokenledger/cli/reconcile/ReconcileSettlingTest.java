package dev.tokenledger.cli.reconcile;

import static dev.tokenledger.cli.reconcile.ReconcileAcceptanceTest.outcome;
import static dev.tokenledger.cli.reconcile.SimLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.reconcile.RunOutcome;
import dev.tokenledger.sim.ReportingDelay;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settling against a Usage API that reports late: a run stays pending or settling while its usage
 * is still arriving, becomes final only after the stable reads, and a late revision of a closed
 * bucket sends it back to settling.
 */
class ReconcileSettlingTest {
  private static final ReconcileSettings SETTINGS =
      new ReconcileSettings(Duration.ofMinutes(30), 3, Duration.ofMinutes(5));

  @TempDir Path dir;

  /** One chatdev run of 90 s with 8 requests; usage shows up 25 minutes after each request. */
  private static String run(SimLab lab) {
    for (int i = 0; i < 8; i++) {
      lab.chat("chatdev", T0.plusSeconds(10 + 10L * i));
    }
    return lab.run("chatdev", T0, T0.plusSeconds(90));
  }

  /** Passes every 5 minutes from 10:02 until the run is final or {@code passes} have run. */
  private static List<RunOutcome> passes(SimLab lab, String runId, int passes, Runnable at32) {
    Reconciler reconciler = lab.reconciler(lab.ledger, SETTINGS);
    List<RunOutcome> seen = new ArrayList<>();
    for (int k = 0; k < passes; k++) {
      lab.clock.set(T0.plus(Duration.ofMinutes(2 + 5L * k)));
      if (k == 7) {
        at32.run();
      }
      RunOutcome o =
          outcome(reconciler.pass(PassRequest.notFinal().withRunIds(List.of(runId))), runId);
      seen.add(o);
      if (o.status() == ReconcileStatus.FINAL) {
        break;
      }
    }
    return seen;
  }

  @Test
  void readsBeforeTheDataArrivesStayPendingAndTheRunIsFinalOnlyAfterTheStableReads() {
    try (SimLab lab =
        new SimLab(
            LedgerLocation.sqlite(dir.resolve("ledger.db")),
            ReportingDelay.fixed(Duration.ofMinutes(25)))) {
      String run = run(lab);
      TokenCounts truth = lab.served(lab.keyId("chatdev"));

      List<RunOutcome> seen = passes(lab, run, 20, () -> {});

      assertThat(seen)
          .extracting(RunOutcome::status)
          .containsExactly(
              ReconcileStatus.PENDING, // 10:02 nothing visible yet
              ReconcileStatus.PENDING,
              ReconcileStatus.PENDING,
              ReconcileStatus.PENDING,
              ReconcileStatus.PENDING, // 10:22
              ReconcileStatus.PENDING, // 10:27 everything visible, the run younger than 30 min
              // Only reads taken 30 min after the run ended count toward stability:
              ReconcileStatus.SETTLING, // 10:32 the first that counts
              ReconcileStatus.SETTLING, // 10:37 two
              ReconcileStatus.FINAL); // 10:42 three
      assertThat(seen.get(4).figures()).isEqualTo(TokenCounts.ZERO);
      assertThat(seen.get(5).figures()).isEqualTo(truth);
      assertThat(seen.get(5).assessment().change().input()).isEqualTo(truth.input());
      assertThat(seen.get(6).assessment().identicalReads()).isEqualTo(1);
      assertThat(seen.get(7).assessment().identicalReads()).isEqualTo(2);
      assertThat(lab.figures(run)).isEqualTo(truth);
      assertThat(lab.reconciliation(run).attempts()).hasSize(9);
    }
  }

  @Test
  void aLateRevisionOfAClosedBucketMovesASettlingRunBackAndIsPickedUp() {
    try (SimLab lab =
        new SimLab(
            LedgerLocation.sqlite(dir.resolve("ledger.db")),
            ReportingDelay.fixed(Duration.ofMinutes(25)))) {
      String run = run(lab);
      TokenCounts truth = lab.served(lab.keyId("chatdev"));
      TokenCounts extra = new TokenCounts(700, 0, 90, 0);

      List<RunOutcome> seen =
          passes(
              lab,
              run,
              20,
              // the bucket of 10:01 grows after two identical reads of it
              () ->
                  lab.sim.reviseLater(
                      lab.keyId("chatdev"), T0.plusSeconds(60), extra, lab.clock.instant()));

      assertThat(seen)
          .extracting(RunOutcome::status)
          .containsExactly(
              ReconcileStatus.PENDING,
              ReconcileStatus.PENDING,
              ReconcileStatus.PENDING,
              ReconcileStatus.PENDING,
              ReconcileStatus.PENDING,
              ReconcileStatus.PENDING,
              ReconcileStatus.SETTLING, // 10:32 two identical reads
              ReconcileStatus.SETTLING, // 10:37 the revision: the count starts again
              ReconcileStatus.SETTLING,
              ReconcileStatus.FINAL); // 10:47
      assertThat(seen.get(7).assessment().change().input()).isEqualTo(700);
      assertThat(seen.get(7).assessment().identicalReads()).isEqualTo(1);
      assertThat(lab.figures(run)).isEqualTo(truth.plus(extra));
    }
  }

  @Test
  void aMinAgeShorterThanTheDelaySettlesAtZeroAndTheReadOnceMoreFlagsTheChange() {
    try (SimLab lab =
        new SimLab(
            LedgerLocation.sqlite(dir.resolve("ledger.db")),
            ReportingDelay.fixed(Duration.ofMinutes(30)))) {
      String run = run(lab);
      CliHarness cli =
          new CliHarness(dir)
              .env("OPENAI_BASE_URL", lab.sim.baseUrl().toString())
              .env("OPENAI_ADMIN_KEY", lab.admin.apiKey().revealForChildProcess())
              .env("TOKENLEDGER_DB", dir.resolve("ledger.db").toString())
              .env("TOKENLEDGER_MIN_AGE", "10m")
              .clock(lab.clock)
              .sleeper(lab.clock::advance);
      lab.clock.set(T0.plus(Duration.ofMinutes(12)));

      CliHarness.Result settled = cli.run("reconcile", "--watch", "--timeout", "1h");

      assertThat(settled.exitCode()).as(settled.err()).isZero();
      assertThat(settled.out()).contains("1 run: 1 final");
      assertThat(lab.figures(run))
          .as("final at zero: the usage was not there yet")
          .isEqualTo(TokenCounts.ZERO);
      long before = lab.usageRequests(dev.tokenledger.openai.UsageEndpoint.COMPLETIONS);
      lab.clock.set(T0.plus(Duration.ofMinutes(60)));
      assertThat(cli.run("reconcile").out()).contains("nothing to reconcile");
      assertThat(lab.usageRequests(dev.tokenledger.openai.UsageEndpoint.COMPLETIONS))
          .as("the read once more is due an hour after the run became final")
          .isEqualTo(before);

      lab.clock.set(T0.plus(Duration.ofMinutes(90)));
      CliHarness.Result later = cli.run("reconcile");

      TokenCounts truth = lab.served(lab.keyId("chatdev"));
      assertThat(later.exitCode()).as(later.err()).isEqualTo(6);
      assertThat(later.out().lines().filter(l -> l.startsWith(run)))
          .singleElement()
          .asString()
          .contains(
              "warning",
              "changed after final +" + String.format("%,d", truth.input() + truth.output()));
      assertThat(lab.figures(run)).isEqualTo(truth);
      assertThat(cli.run("reconcile", "--accept", run).exitCode()).isZero();
      assertThat(lab.ledger.run(run).reconcileStatus()).isEqualTo(ReconcileStatus.FINAL);
    }
  }

  @Test
  void aFinalRunIsNotReadAgainUnlessForced() {
    try (SimLab lab =
        new SimLab(
            LedgerLocation.sqlite(dir.resolve("ledger.db")),
            ReportingDelay.fixed(Duration.ofMinutes(2)))) {
      String run = run(lab);
      lab.settle();
      long before = lab.usageRequests(dev.tokenledger.openai.UsageEndpoint.COMPLETIONS);
      // less than the hour after which a final run is read once more
      lab.clock.advance(Duration.ofMinutes(30));

      Reconciler reconciler = lab.reconciler();
      assertThat(reconciler.pass(PassRequest.notFinal()).runs()).isEmpty();
      RunOutcome shown =
          outcome(reconciler.pass(PassRequest.notFinal().withRunIds(List.of(run))), run);
      assertThat(shown.read()).isFalse();
      assertThat(shown.status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(lab.usageRequests(dev.tokenledger.openai.UsageEndpoint.COMPLETIONS))
          .isEqualTo(before);

      RunOutcome forced = outcome(reconciler.pass(PassRequest.notFinal().withForce(true)), run);
      assertThat(forced.read()).isTrue();
      assertThat(forced.status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(forced.figures()).isEqualTo(lab.served(lab.keyId("chatdev")));
      Instant after = lab.clock.instant();
      assertThat(lab.reconciliation(run).latest().attemptedAt()).isEqualTo(after);
    }
  }
}
