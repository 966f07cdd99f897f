package dev.tokenledger.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * A step recorded after the fact (an import): its index, name, window and exit code.
 *
 * @param endedAt null when the source does not say; the step is then stored as interrupted
 */
public record StepSpec(
    int index, String name, Instant startedAt, Instant endedAt, Integer exitCode) {

  public StepSpec {
    if (index < 1) {
      throw new IllegalArgumentException("step index must be 1 or more but was " + index);
    }
    Objects.requireNonNull(startedAt, "startedAt");
    if (endedAt != null && endedAt.isBefore(startedAt)) {
      throw new IllegalArgumentException(
          "step " + index + " ends (" + endedAt + ") before it starts (" + startedAt + ")");
    }
  }
}
