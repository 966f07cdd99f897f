package dev.tokenledger.bench;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.AttributionResult;
import dev.tokenledger.attribution.Attributor;
import dev.tokenledger.attribution.FetchPlanner;
import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.attribution.RunAttribution;
import dev.tokenledger.attribution.RunWindow;
import dev.tokenledger.attribution.StepWindow;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.StepIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Prints how long attributing a day of minute rows to 1,000 runs × 6 steps takes, and what the
 * fetch plan for those runs costs in requests. Run by hand (see docs/attribution.md); no figure
 * here is asserted anywhere.
 */
public final class AttributionScenario {
  static final Instant DAY = Instant.parse("2025-10-27T00:00:00Z");
  private static final String[] KEYS = {"key_chatdev", "key_baes", "key_speckit"};
  private static final String[] MODELS = {"gpt-4o-mini-2024-07-18", "gpt-4.1"};

  private AttributionScenario() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    Random random = new Random(42);
    List<RunWindow> windows = runs(runs, steps, random);
    List<UsageRow> rows = dayOfRows(random);

    Attributor attributor = new Attributor();
    AttributionResult result = null;
    for (int i = 0; i < 10; i++) {
      result = attributor.attribute(rows, windows);
    }
    int rounds = 20;
    long[] nanos = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      result = attributor.attribute(rows, windows);
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);

    long sharedRuns = result.runs().stream().filter(RunAttribution::isShared).count();
    long apportionedSteps =
        result.runs().stream()
            .flatMap(r -> r.steps().stream())
            .filter(s -> s.exactness() == Exactness.APPORTIONED)
            .count();
    List<QueryWindow> plan = new FetchPlanner().plan(windows, DAY.plus(Duration.ofDays(2)));
    System.out.printf(
        "attribution: %d runs x %d steps, %d keys, %d minute rows (one day)%n",
        runs, steps, KEYS.length, rows.size());
    System.out.printf(
        "  time per attribution: min %.1f ms, median %.1f ms, max %.1f ms (%d rounds after warm-up)%n",
        nanos[0] / 1e6, nanos[rounds / 2] / 1e6, nanos[rounds - 1] / 1e6, rounds);
    System.out.printf(
        "  runs sharing a minute: %d; apportioned steps: %d of %d; unattributed rows: %d%n",
        sharedRuns, apportionedSteps, (long) runs * steps, result.unattributed().size());
    System.out.printf(
        "fetch plan: %d window(s), %d minute(s), %d request(s) per endpoint%n",
        plan.size(),
        plan.stream().mapToLong(QueryWindow::minutes).sum(),
        plan.stream().mapToLong(QueryWindow::pages).sum());
  }

  /** Runs spread over the day, keys taking turns, each with short back-to-back steps. */
  static List<RunWindow> runs(int count, int stepsPerRun, Random random) {
    List<RunWindow> runs = new ArrayList<>();
    long spacing = Duration.ofDays(1).toMillis() / count;
    for (int i = 0; i < count; i++) {
      Instant start = DAY.plusMillis(i * spacing + random.nextInt(5_000));
      List<StepWindow> steps = new ArrayList<>();
      Instant cursor = start;
      for (int s = 0; s < stepsPerRun; s++) {
        Instant end = cursor.plusMillis(2_000 + random.nextInt(40_000));
        steps.add(new StepWindow(StepIndex.of(s + 1), cursor, end));
        cursor = end.plusMillis(random.nextInt(3_000));
      }
      runs.add(new RunWindow("run-" + i, KEYS[i % KEYS.length], start, cursor, steps));
    }
    return runs;
  }

  /** Every minute of the day, every key, two models. */
  static List<UsageRow> dayOfRows(Random random) {
    List<UsageRow> rows = new ArrayList<>();
    for (int m = 0; m < 1_440; m++) {
      for (String key : KEYS) {
        for (String model : MODELS) {
          long input = random.nextInt(20_000);
          rows.add(
              new UsageRow(
                  DAY.plusSeconds(60L * m),
                  key,
                  model,
                  "default",
                  false,
                  "proj_bench",
                  new TokenCounts(input, input / 3, random.nextInt(4_000), 1 + random.nextInt(9))));
        }
      }
    }
    return rows;
  }
}
