package dev.tokenledger.attribution;

import dev.tokenledger.figures.StepIndex;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A run as attribution sees it: the key it used, its window {@code [start, end)} ({@code end} is
 * {@code null} while the run is open) and its ordered steps.
 *
 * @param metered whether every model request of the run was recorded locally (a metering proxy or
 *     hook), so that a run with no {@link LocalRequest} in a minute truly made none in it
 */
public record RunWindow(
    String runId,
    String apiKeyId,
    Instant start,
    Instant end,
    List<StepWindow> steps,
    boolean metered) {

  public RunWindow {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("runId must not be blank");
    }
    if (apiKeyId == null || apiKeyId.isBlank()) {
      throw new IllegalArgumentException("run " + runId + ": apiKeyId must not be blank");
    }
    Objects.requireNonNull(start, "start");
    if (end != null && end.isBefore(start)) {
      throw new IllegalArgumentException(
          "run " + runId + ": end (" + end + ") cannot be before start (" + start + ")");
    }
    steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
    Set<StepIndex> ids = new HashSet<>();
    for (StepWindow step : steps) {
      if (!ids.add(step.step())) {
        throw new IllegalArgumentException(
            "run " + runId + ": step " + step.step() + " appears twice");
      }
    }
  }

  /** A run whose requests were not recorded locally. */
  public RunWindow(
      String runId, String apiKeyId, Instant start, Instant end, List<StepWindow> steps) {
    this(runId, apiKeyId, start, end, steps, false);
  }
}
