package dev.tokenledger.cli.reconcile;

import static dev.tokenledger.cli.reconcile.SimLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.ledger.Backend;
import dev.tokenledger.ledger.SettlementStore;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.FaultMix;
import dev.tokenledger.sim.RecordedRequest;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimFaults;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fault matrix: reconcile against a Usage API that rate-limits (429 with and without
 * Retry-After), fails (500, 502, 503), drops connections, truncates bodies, answers with a proxy's
 * HTML page and revises closed buckets late, while its reconciler is killed with kill -9 at random
 * points of random passes (a separate JVM, destroyed forcibly); seeded, on SQLite and PostgreSQL.
 * Whatever happened, every run ends final with exactly what the simulator served.
 */
class FaultMatrixTest {
  private static final String FAULTS =
      "429:0.08,429-no-retry-after:0.05,500:0.05,502:0.03,503:0.04,reset:0.05,truncated:0.05,"
          + "html:0.05";
  private static final String[] FRAMEWORKS = {"chatdev", "baes", "ghspec"};

  /** Above the reporting delay (at most 4 min) plus the late part (at most 10 min). */
  private static final long MIN_AGE_MINUTES = 15;

  private static final ReconcileSettings SETTINGS =
      new ReconcileSettings(Duration.ofMinutes(MIN_AGE_MINUTES), 3, Duration.ofMinutes(5));

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void underEveryFaultAndKillDashNineAtRandomPointsTheFinalFiguresAreWhatWasServed(Backend backend)
      throws Exception {
    long seed = 1027L + backend.ordinal();
    Random random = new Random(seed);
    try (SimLab lab =
        new SimLab(
            backend.newLocation(dir),
            ReportingDelay.uniform(Duration.ofMinutes(1), Duration.ofMinutes(4)),
            b -> b.seed(seed).lateRevisions(0.5, Duration.ofMinutes(4), Duration.ofMinutes(10)))) {
      // three runs per framework, three steps each, two to four requests per step
      List<String> runs = new ArrayList<>();
      List<Instant[]> windows = new ArrayList<>();
      List<String> frameworks = new ArrayList<>();
      Instant t = T0;
      List<Runnable> record = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        for (String fw : FRAMEWORKS) {
          Instant start = t;
          Instant[] bounds = new Instant[4];
          bounds[0] = start;
          for (int step = 1; step <= 3; step++) {
            int requests = 2 + random.nextInt(3);
            for (int q = 0; q < requests; q++) {
              t = t.plusSeconds(3 + random.nextInt(12));
              lab.chat(fw, t, q % 2 == 0 ? "gpt-4o-mini" : "gpt-4.1-mini");
            }
            t = t.plusSeconds(2);
            bounds[step] = t;
          }
          frameworks.add(fw);
          windows.add(new Instant[] {start, t});
          record.add(() -> runs.add(lab.run(fw, bounds)));
          // the next run of any key starts in a later minute: every run owns its minutes
          t = t.plusSeconds(130);
        }
      }
      record.forEach(Runnable::run);
      // every kind once in a row (more than the client's retries: the first read fails and its
      // runs go to error), then a seeded mix of them for the rest of the test
      SimFaults.Scope usage = lab.sim.faults().onPath("/organization/usage");
      usage
          .next(1, Fault.rateLimited(1))
          .next(1, Fault.rateLimitedWithoutRetryAfter())
          .next(1, Fault.serverError(500))
          .next(1, Fault.serverError(502))
          .next(1, Fault.serverError(503))
          .next(1, Fault.connectionReset())
          .next(1, Fault.truncatedBody())
          .next(1, Fault.htmlErrorPage());
      FaultMix.parse(FAULTS).applyTo(usage);

      Reconciler reconciler = lab.reconciler(lab.ledger, SETTINGS);
      Instant at = t.plusSeconds(60);
      // and one revision for sure: the last run's first minute grows between the second pass's
      // read and the third's, as OpenAI revises a closed bucket
      int revised = runs.size() - 1;
      TokenCounts extra = new TokenCounts(500, 0, 200, 0);
      lab.sim.reviseLater(
          lab.keyId(frameworks.get(revised)),
          windows.get(revised)[0],
          extra,
          at.plus(Duration.ofMinutes(7)));
      int kills = 0;
      int pass = 0;
      while (pass < 40 && !allFinal(lab)) {
        pass++;
        lab.clock.set(at.isAfter(lab.clock.instant()) ? at : lab.clock.instant());
        if (pass % 2 == 1) {
          // every other pass dies: half the passes before min-age, half while the runs settle
          // every point a pass with runs to read reaches: before its reads, after its first or
          // second (of two: completions, embeddings), before it stores any figure
          String point =
              switch (random.nextInt(4)) {
                case 0 -> "planned";
                case 1 -> "read:1";
                case 2 -> "read:2";
                default -> "attributing";
              };
          kills += childPass(lab, point) ? 1 : 0;
        } else {
          reconciler.pass(PassRequest.notFinal());
        }
        at = at.plus(SETTINGS.interval());
      }

      assertThat(allFinal(lab)).as("every run final after %d passes", pass).isTrue();
      for (int i = 0; i < runs.size(); i++) {
        Instant[] w = windows.get(i);
        TokenCounts served = lab.served(lab.keyId(frameworks.get(i)), w[0], w[1].plusSeconds(60));
        served = i == revised ? served.plus(extra) : served;
        assertThat(lab.figures(runs.get(i)))
            .as("run %d (%s)", i, frameworks.get(i))
            .isEqualTo(served);
      }
      // a pass with nothing due never reaches its kill point, and finishes
      assertThat(kills).as("passes killed with kill -9").isGreaterThanOrEqualTo(2);
      Set<Fault.Kind> seen = EnumSet.noneOf(Fault.Kind.class);
      boolean bareRateLimit = false;
      for (RecordedRequest r : lab.sim.requests("/organization/usage")) {
        if (r.fault() != null) {
          seen.add(r.fault().kind());
          bareRateLimit |= r.fault().toString().equals("429 without Retry-After");
        }
      }
      assertThat(seen)
          .containsExactlyInAnyOrder(
              Fault.Kind.RATE_LIMITED,
              Fault.Kind.SERVER_ERROR,
              Fault.Kind.CONNECTION_RESET,
              Fault.Kind.TRUNCATED_BODY,
              Fault.Kind.HTML_ERROR_PAGE);
      assertThat(bareRateLimit).as("a 429 without Retry-After was served").isTrue();
    }
  }

  private static boolean allFinal(SimLab lab) {
    return lab.ledger
        .settlementStore()
        .candidates(SettlementStore.RunSelection.notFinal())
        .isEmpty();
  }

  /**
   * One pass in a JVM of its own, killed with kill -9 at {@code point}; whether it was killed (a
   * pass that never reaches the point finishes).
   */
  private boolean childPass(SimLab lab, String point) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FaultMatrixPassMain.class.getName());
    command.add(lab.clock.instant().toString());
    command.add(String.valueOf(MIN_AGE_MINUTES));
    command.add(point);
    ProcessBuilder pb = new ProcessBuilder(command);
    // the ledger (a URL may hold a password) and the simulator's key go by environment
    pb.environment().put(FaultMatrixPassMain.LEDGER_VARIABLE, lab.ledger.location().jdbcUrl());
    pb.environment().put(FaultMatrixPassMain.BASE_URL_VARIABLE, lab.sim.baseUrl().toString());
    pb.environment()
        .put(ReconcilePassMain.KEY_VARIABLE, lab.admin.apiKey().revealForChildProcess());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process child = pb.start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      boolean killed = FaultMatrixPassMain.KILL_ME.equals(line);
      if (killed) {
        child.destroyForcibly();
      } else {
        assertThat(line).as("the child pass ended").isEqualTo(FaultMatrixPassMain.DONE);
      }
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
      return killed;
    }
  }
}
