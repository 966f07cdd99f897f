package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.StepIndex;
import java.time.Instant;
import java.util.Objects;

/**
 * One model request recorded locally with the {@code usage} its response carried: exact by
 * construction, and used to split minutes that several runs or steps share.
 *
 * @param at when the response was received
 * @param step the step, or {@code null} when not known
 * @param model the model the response names
 */
public record LocalRequest(
    Instant at, String runId, StepIndex step, String model, TokenCounts counts) {

  public LocalRequest {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(counts, "counts");
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("local request runId must not be blank");
    }
  }
}
