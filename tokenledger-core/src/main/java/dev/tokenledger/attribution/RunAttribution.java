package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What one run received from its key's minute buckets, and how that divides among its steps. {@code
 * total} equals the sum of the steps' totals plus {@code unstepped} (usage in minutes of the run
 * that no step window reaches).
 *
 * @param rows the run's share of every row it took part in, per minute and line
 * @param exactness {@link Exactness#APPORTIONED} when a minute was shared with another run of the
 *     key
 * @param lowerBound the minutes the run had alone
 * @param upperBound the lower bound plus the whole bucket of every shared minute
 * @param sharedMinutes the minutes shared with other runs of the same key (the {@code
 *     shared_minutes} flag), with the tokens involved
 * @param unsteppedRows the run's rows in minutes no step reaches
 */
public record RunAttribution(
    String runId,
    String apiKeyId,
    List<UsageRow> rows,
    TokenCounts total,
    Exactness exactness,
    TokenCounts lowerBound,
    TokenCounts upperBound,
    List<SharedMinute> sharedMinutes,
    List<StepAttribution> steps,
    List<UsageRow> unsteppedRows) {

  public RunAttribution {
    rows = List.copyOf(rows);
    sharedMinutes = List.copyOf(sharedMinutes);
    steps = List.copyOf(steps);
    unsteppedRows = List.copyOf(unsteppedRows);
  }

  /** Whether any minute of this run was shared with another run of its key. */
  public boolean isShared() {
    return !sharedMinutes.isEmpty();
  }

  /** The run's figures per model, service tier, batch flag and project. */
  public SortedMap<UsageLine, TokenCounts> byLine() {
    return Lines.byLine(rows);
  }

  /** Usage of the run in minutes no step window reaches. */
  public TokenCounts unstepped() {
    return Lines.total(unsteppedRows);
  }

  /** The step with this index, if the run has it. */
  public Optional<StepAttribution> step(StepIndex step) {
    return steps.stream().filter(s -> s.step().equals(step)).findFirst();
  }
}
