package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import java.util.List;
import java.util.SortedMap;

/**
 * What one step of a run received: its rows (per minute and line), their total, their {@link
 * Exactness}, and bounds. The lower bound counts the minutes the step had alone (no other step, no
 * other run); the upper bound adds the whole bucket of every minute it shared.
 */
public record StepAttribution(
    StepIndex step,
    List<UsageRow> rows,
    TokenCounts total,
    Exactness exactness,
    TokenCounts lowerBound,
    TokenCounts upperBound,
    List<SharedMinute> sharedMinutes) {

  public StepAttribution {
    rows = List.copyOf(rows);
    sharedMinutes = List.copyOf(sharedMinutes);
  }

  /** The step's figures per model, service tier, batch flag and project. */
  public SortedMap<UsageLine, TokenCounts> byLine() {
    return Lines.byLine(rows);
  }
}
