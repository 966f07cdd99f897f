package dev.tokenledger.attribution;

import java.time.Instant;
import java.util.Objects;

/**
 * A step of a run as attribution sees it: an id and a half-open window {@code [start, end)}; {@code
 * end} is {@code null} while the step is still open.
 */
public record StepWindow(String stepId, Instant start, Instant end) {

  public StepWindow {
    if (stepId == null || stepId.isBlank()) {
      throw new IllegalArgumentException("stepId must not be blank");
    }
    Objects.requireNonNull(start, "start");
    if (end != null && end.isBefore(start)) {
      throw new IllegalArgumentException(
          "step " + stepId + ": end (" + end + ") cannot be before start (" + start + ")");
    }
  }
}
