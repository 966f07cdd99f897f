package dev.tokenledger.attribution;

import dev.tokenledger.figures.StepIndex;
import java.time.Instant;
import java.util.Objects;

/**
 * A step of a run as attribution sees it: its index and a half-open window {@code [start, end)};
 * {@code end} is {@code null} while the step is still open.
 */
public record StepWindow(StepIndex step, Instant start, Instant end) {

  public StepWindow {
    Objects.requireNonNull(step, "step");
    if (step.isOutside()) {
      throw new IllegalArgumentException(
          "step index 0 stands for the usage outside every step: number steps from 1");
    }
    Objects.requireNonNull(start, "start");
    if (end != null && end.isBefore(start)) {
      throw new IllegalArgumentException(
          "step " + step + ": end (" + end + ") cannot be before start (" + start + ")");
    }
  }
}
