package dev.tokenledger.figures;

import dev.tokenledger.TokenCounts;

/**
 * A run's or step's total in one settle attempt, with its bounds.
 *
 * @param step null for the whole run, {@link StepIndex#OUTSIDE} for the run's usage outside every
 *     step, else the step
 * @param exactness whether a minute it counts was shared and split
 * @param lowerBound the minutes it had alone; null once the figure was narrowed to some models
 * @param upperBound the lower bound plus the whole bucket of every minute it shared; null likewise
 * @param sharedMinutes how many minutes it shared
 */
public record Figure(
    StepIndex step,
    TokenCounts total,
    Exactness exactness,
    TokenCounts lowerBound,
    TokenCounts upperBound,
    int sharedMinutes) {

  /** Whether a minute it counts was shared and split. */
  public boolean apportioned() {
    return exactness == Exactness.APPORTIONED;
  }

  /** Whether this is the whole run's figure. */
  public boolean isRun() {
    return step == null;
  }
}
