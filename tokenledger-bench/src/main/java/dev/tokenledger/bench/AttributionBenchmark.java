package dev.tokenledger.bench;

import dev.tokenledger.attribution.AttributionResult;
import dev.tokenledger.attribution.Attributor;
import dev.tokenledger.attribution.FetchPlanner;
import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.attribution.RunWindow;
import dev.tokenledger.attribution.UsageRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Attributes one day of minute rows (1,440 minutes × 3 keys × 2 models) to {@code runs} runs × 6
 * steps ({@link AttributionScenario}'s workload), and plans the fetch for those runs. Scores are
 * milliseconds per call on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AttributionBenchmark {
  @Param({"1000", "10000"})
  int runs;

  private List<RunWindow> windows;
  private List<UsageRow> rows;
  private final Attributor attributor = new Attributor();
  private final FetchPlanner planner = new FetchPlanner();
  private final Instant now = AttributionScenario.DAY.plus(Duration.ofDays(2));

  @Setup
  public void generate() {
    Random random = new Random(42);
    windows = AttributionScenario.runs(runs, 6, random);
    rows = AttributionScenario.dayOfRows(random);
    // a workload whose rows are not all attributed measures a different path: refuse it
    AttributionResult r = attribute();
    if (r.runs().size() != runs) {
      throw new IllegalStateException(r.runs().size() + " runs attributed, not " + runs);
    }
  }

  /** Every row of the day to the runs and steps whose windows hold it. */
  @Benchmark
  public AttributionResult attribute() {
    return attributor.attribute(rows, windows);
  }

  /** The Usage API windows to read for these runs. */
  @Benchmark
  public List<QueryWindow> plan() {
    return planner.plan(windows, now);
  }
}
