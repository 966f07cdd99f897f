package dev.tokenledger.figures;

import dev.tokenledger.TokenCounts;
import java.util.Objects;

/**
 * A run's or step's share of one {@link UsageLine} (model, tier, batch, project) of one read of one
 * endpoint: what reports price.
 *
 * @param readId the stored read it came from (0 for metered usage, which no read gave)
 * @param step null for the whole run, {@link StepIndex#OUTSIDE} for usage outside every step, else
 *     the step
 * @param sharedMinutes how many of its minutes were shared
 * @param sharedTokens the tokens (input and output) it received in shared minutes
 */
public record LineFigure(
    long readId,
    StepIndex step,
    Endpoint endpoint,
    UsageLine line,
    TokenCounts counts,
    Exactness exactness,
    int sharedMinutes,
    long sharedTokens) {

  public LineFigure {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(exactness, "exactness");
  }

  /** Whether a minute it counts was shared and split. */
  public boolean apportioned() {
    return exactness == Exactness.APPORTIONED;
  }

  /** The model to price with, or null when the line names none. */
  public String model() {
    return line.model();
  }
}
