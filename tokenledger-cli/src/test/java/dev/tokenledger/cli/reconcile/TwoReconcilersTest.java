package dev.tokenledger.cli.reconcile;

import static dev.tokenledger.cli.reconcile.SimLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.Attempt;
import dev.tokenledger.ledger.Backend;
import dev.tokenledger.ledger.ClaimStore;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.QuickSettling;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.reconcile.RunOutcome;
import dev.tokenledger.sim.ReportingDelay;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two reconcilers on one ledger at the same moment (two terminals on one SQLite file, or two
 * machines on one PostgreSQL database): no run is processed twice, no read is lost, and every run
 * still settles to what the simulator served.
 */
class TwoReconcilersTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void twoReconcilersAtOnceNeverDoubleProcessARunAndNeverLoseARead(Backend backend)
      throws Exception {
    try (SimLab lab =
        new SimLab(
            backend.newLocation(dir),
            ReportingDelay.uniform(Duration.ofMinutes(1), Duration.ofMinutes(4)))) {
      String[] frameworks = {"chatdev", "baes", "ghspec"};
      List<String> runs = new ArrayList<>();
      List<Instant> starts = new ArrayList<>();
      for (int r = 0; r < 8; r++) {
        for (int f = 0; f < 3; f++) {
          Instant start = T0.plus(Duration.ofMinutes(4L * r)).plusSeconds(3L * f);
          starts.add(start);
        }
      }
      for (int i = 0; i < starts.size(); i++) {
        lab.chat(frameworks[i % 3], starts.get(i).plusSeconds(10));
      }
      for (int i = 0; i < starts.size(); i++) {
        runs.add(lab.run(frameworks[i % 3], starts.get(i), starts.get(i).plusSeconds(100)));
      }
      lab.clock.set(T0.plus(Duration.ofMinutes(40)));
      Reconciler first = lab.reconciler(lab.openLedger(), QuickSettling.SETTINGS);
      Reconciler second = lab.reconciler(lab.openLedger(), QuickSettling.SETTINGS);

      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 8; round++) {
          CyclicBarrier together = new CyclicBarrier(2);
          Future<PassReport> a =
              pool.submit(
                  () -> {
                    together.await();
                    return first.pass(PassRequest.notFinal());
                  });
          Future<PassReport> b =
              pool.submit(
                  () -> {
                    together.await();
                    return second.pass(PassRequest.notFinal());
                  });
          Set<String> readByA = read(a.get());
          Set<String> readByB = read(b.get());
          Set<String> both = new HashSet<>(readByA);
          both.retainAll(readByB);
          assertThat(both).as("round %d: runs read by both reconcilers", round).isEmpty();
          lab.clock.advance(Duration.ofMinutes(5));
        }
      } finally {
        pool.shutdownNow();
      }

      for (int i = 0; i < runs.size(); i++) {
        List<Attempt> attempts = lab.reconciliation(runs.get(i)).attempts();
        assertThat(attempts.stream().map(Attempt::attemptedAt).distinct().count())
            .as("one attempt per pass for run %d", i)
            .isEqualTo(attempts.size());
        assertThat(attempts.get(attempts.size() - 1).status()).isEqualTo(ReconcileStatus.FINAL);
        Instant s = starts.get(i);
        TokenCounts truth = lab.served(lab.keyId(frameworks[i % 3]), s, s.plusSeconds(100));
        assertThat(lab.figures(runs.get(i))).as("run %d", i).isEqualTo(truth);
      }
      try (Connection c = DriverManager.getConnection(lab.ledger.location().jdbcUrl());
          Statement st = c.createStatement()) {
        assertThat(single(st, "SELECT COUNT(*) FROM usage_reads WHERE status <> 'ok'")).isZero();
        assertThat(
                single(
                    st,
                    "SELECT COUNT(*) FROM usage_reads r WHERE NOT EXISTS (SELECT 1 FROM"
                        + " reconcile_attempt_reads a WHERE a.read_id = r.id)"))
            .as("every read was used by the pass that made it")
            .isZero();
        assertThat(single(st, "SELECT SUM(http_requests) FROM usage_reads"))
            .as("every usage request the simulator answered is in a stored read")
            .isEqualTo(lab.sim.requests("/organization/usage").size());
      }
    }
  }

  @Test
  void theIdleReconcilerSaysBusyInWatchAndItsLastTableShowsWhatTheOtherSettled() {
    try (SimLab lab =
        new SimLab(
            LedgerLocation.sqlite(dir.resolve("ledger.db")),
            ReportingDelay.uniform(Duration.ofMinutes(1), Duration.ofMinutes(4)))) {
      List<String> runs = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        for (String fw : List.of("chatdev", "baes")) {
          Instant start =
              T0.plus(Duration.ofMinutes(5L * r)).plusSeconds(fw.equals("baes") ? 3 : 0);
          lab.chat(fw, start.plusSeconds(20));
        }
      }
      for (int r = 0; r < 2; r++) {
        for (String fw : List.of("chatdev", "baes")) {
          Instant start =
              T0.plus(Duration.ofMinutes(5L * r)).plusSeconds(fw.equals("baes") ? 3 : 0);
          runs.add(lab.run(fw, start, start.plusSeconds(100)));
        }
      }
      lab.clock.set(T0.plus(Duration.ofMinutes(40)));
      Ledger other = lab.openLedger();
      ClaimStore.Claim held = other.claimStore().claim(runs, Duration.ofMinutes(30));
      boolean[] otherDone = {false};
      CliHarness cli =
          new CliHarness(dir)
              .env("OPENAI_BASE_URL", lab.sim.baseUrl().toString())
              .env("OPENAI_ADMIN_KEY", lab.admin.apiKey().revealForChildProcess())
              .env("TOKENLEDGER_DB", dir.resolve("ledger.db").toString())
              .clock(lab.clock)
              .sleeper(
                  wait -> {
                    if (!otherDone[0]) {
                      // while the idle one waits, the other reconciler settles every run
                      other.claimStore().release(held);
                      lab.settle(
                          lab.reconciler(other, QuickSettling.SETTINGS),
                          PassRequest.notFinal(),
                          Duration.ofHours(2));
                      otherDone[0] = true;
                    }
                    lab.clock.advance(wait);
                  });

      CliHarness.Result r = cli.run("reconcile", "--watch", "--min-age", "10m", "--timeout", "3h");

      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err())
          .contains("pass 1 at ", "4 pending (4 busy: held by another reconciler); 0 usage");
      assertThat(r.out()).contains("4 runs: 4 final ·").doesNotContain("busy", "pending");
      for (String run : runs) {
        assertThat(r.out().lines().filter(l -> l.startsWith(run)))
            .singleElement()
            .asString()
            .contains(" final ");
      }
    }
  }

  private static Set<String> read(PassReport report) {
    Set<String> ids = new HashSet<>();
    for (RunOutcome o : report.runs()) {
      if (o.read()) {
        ids.add(o.run().id());
      }
    }
    return ids;
  }

  private static long single(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
