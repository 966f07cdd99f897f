package dev.tokenledger.bench;

import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.SettlementStore.RunSelection;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.ledger.TestPostgres;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import dev.tokenledger.sim.UsageEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Prints what reconcile passes over many runs cost: usage requests per pass (from the simulator's
 * request log) and the wall time of each pass, until every run is final, on SQLite and on an
 * embedded PostgreSQL. One simulated day: runs of three framework keys, six steps each, two model
 * requests per step. Run by hand (see the README); it exits 1 when a run is not final after
 * stable-reads + 3 passes.
 *
 * <p>Arguments: {@code [runs] [steps]}, default 1,000 and 6.
 */
public final class ReconcileScenario {
  private static final Instant DAY = Instant.parse("2025-10-27T00:00:00Z");
  private static final String[] FRAMEWORKS = {"chatdev", "baes", "ghspec"};

  private ReconcileScenario() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    Path dir = Files.createTempDirectory("tokenledger-bench-reconcile-");
    System.out.printf(
        Locale.ROOT,
        "reconcile: %d runs x %d steps of %d framework keys in one simulated day%n",
        runs,
        steps,
        FRAMEWORKS.length);
    boolean sqlite =
        scenario("SQLite", LedgerLocation.sqlite(dir.resolve("ledger.db")), runs, steps);
    boolean postgres =
        scenario(
            "PostgreSQL", LedgerLocation.postgresql(TestPostgres.newDatabaseUrl()), runs, steps);
    if (!sqlite || !postgres) {
      // a scenario whose runs do not settle is a failure, never a figure
      System.exit(1);
    }
  }

  /** Records the runs, reconciles them, prints each pass; whether every run ended final. */
  private static boolean scenario(String name, LedgerLocation location, int runs, int steps)
      throws Exception {
    SimClock clock = SimClock.stepped(DAY);
    try (OpenAiSimulator sim =
            OpenAiSimulator.builder()
                .clock(clock)
                .seed(3)
                .reportingDelay(ReportingDelay.fixed(Duration.ofMinutes(5)))
                .start();
        Ledger ledger =
            Ledger.builder(location).clock(clock).heartbeatInterval(Duration.ZERO).open()) {
      SimKey admin = sim.register(SimKey.admin("bench reader"));
      List<SimKey> keys = new ArrayList<>();
      for (String fw : FRAMEWORKS) {
        sim.addProject("proj_" + fw, fw);
        keys.add(sim.register(SimKey.project(fw + " runner", "proj_" + fw)));
      }
      Random random = new Random(42);
      long spacing = Duration.ofDays(1).toMillis() / runs;
      Instant last = DAY;
      for (int i = 0; i < runs; i++) {
        SimKey key = keys.get(i % keys.size());
        Instant start = DAY.plusMillis(i * spacing + random.nextInt(3_000));
        List<StepSpec> stepSpecs = new ArrayList<>();
        Instant cursor = start;
        for (int s = 0; s < steps; s++) {
          Instant end = cursor.plusMillis(4_000 + random.nextInt(30_000));
          for (int k = 0; k < 2; k++) {
            Instant at = cursor.plusMillis(1_000 + random.nextInt(2_500) * (k + 1));
            sim.recordUsage(
                UsageEndpoint.COMPLETIONS,
                key,
                at,
                Map.of(
                    "model",
                    "gpt-4o-mini-2024-07-18",
                    "service_tier",
                    "default",
                    "input_tokens",
                    800 + random.nextInt(4_000),
                    "output_tokens",
                    100 + random.nextInt(900),
                    "num_model_requests",
                    1));
          }
          stepSpecs.add(new StepSpec(s + 1, "step " + (s + 1), cursor, end, 0));
          cursor = end.plusMillis(random.nextInt(2_000));
        }
        ledger.recordFinishedRun(
            RunSpec.builder(FRAMEWORKS[i % FRAMEWORKS.length])
                .experiment("bench")
                .apiKeyId(key.id())
                .startedAt(start)
                .endedAt(cursor)
                .build(),
            stepSpecs);
        last = cursor.isAfter(last) ? cursor : last;
      }
      OpenAiAdminClient client =
          OpenAiAdminClient.builder()
              .baseUrl(sim.baseUrl().toString())
              .adminKey(admin.apiKey())
              .clock(clock)
              .sleeper(clock::advance)
              .build();
      Reconciler reconciler = Reconciler.builder(ledger, client).clock(clock).build();
      ReconcileSettings settings = reconciler.settings();
      // Only reads taken min-age after a run ended count toward its stable reads: start then, so
      // that stable-reads passes an interval apart settle every run (starting earlier only adds
      // passes whose reads cannot count yet).
      clock.set(last.plus(settings.minAge()));
      System.out.println("  " + name + ":");
      int passes = settings.stableReads() + 3;
      long notFinal = runs;
      for (int pass = 1; pass <= passes && notFinal > 0; pass++) {
        if (pass > 1) {
          clock.advance(settings.interval());
        }
        int before = sim.requests("/organization/usage").size();
        long t0 = System.nanoTime();
        PassReport report = reconciler.pass(PassRequest.notFinal());
        double ms = (System.nanoTime() - t0) / 1e6;
        int requests = sim.requests("/organization/usage").size() - before;
        notFinal = ledger.settlementStore().candidates(RunSelection.notFinal()).size();
        System.out.printf(
            Locale.ROOT,
            "    pass %d: %4d runs read, %d usage requests (%s), %d minutes covered,"
                + " %.0f ms; %d of %d runs final%n",
            pass,
            report.stats().runsRead(),
            requests,
            report.stats().requestsByEndpoint(),
            report.stats().minutesCovered(),
            ms,
            runs - notFinal,
            runs);
      }
      if (notFinal > 0) {
        System.out.printf(
            Locale.ROOT,
            "    FAILED: %d of %d runs not final after %d passes%n",
            notFinal,
            runs,
            passes);
      }
      return notFinal == 0;
    }
  }
}
