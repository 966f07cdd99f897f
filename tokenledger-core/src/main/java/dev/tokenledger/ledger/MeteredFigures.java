package dev.tokenledger.ledger;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.MeterStore.StoredRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A metered run's figures: the sums of its metered requests, for the run and each step, exact by
 * construction and available the moment a step ends. Requests whose usage is unknown (a stream cut
 * short, a refused {@code stream_options}) are counted apart, never as zero tokens.
 *
 * @param run the whole run
 * @param steps each step by index; {@link StepIndex#OUTSIDE} holds the run's requests tagged with
 *     no step
 * @param lines the reported usage per step (untagged: {@link StepIndex#OUTSIDE}), endpoint and
 *     model
 */
public record MeteredFigures(
    String runId, Part run, Map<StepIndex, Part> steps, List<MeteredLine> lines) {

  public MeteredFigures {
    Require.nonNull("runId run", runId, run);
    steps = Map.copyOf(steps);
    lines = List.copyOf(lines);
  }

  /**
   * The requests of a run or step.
   *
   * @param counts the sum of the reported usage (requests: the model requests that reported it)
   * @param requests every metered request, with or without usage
   * @param usageUnknown requests whose usage is unknown (interrupted or not asked for)
   */
  public record Part(TokenCounts counts, long requests, long usageUnknown) {
    public static final Part EMPTY = new Part(TokenCounts.ZERO, 0, 0);

    Part plus(StoredRequest r) {
      return new Part(
          r.counts() == null ? counts : counts.plus(r.counts()),
          requests + 1,
          usageUnknown + (r.usageState().usageUnknown() ? 1 : 0));
    }
  }

  /** Reported usage of one step, endpoint and model. */
  public record MeteredLine(StepIndex step, Endpoint endpoint, String model, TokenCounts counts) {}

  private record LineKey(StepIndex step, Endpoint endpoint, String model) {}

  /** The figures {@code requests} (all of run {@code runId}) add up to. */
  public static MeteredFigures of(String runId, List<StoredRequest> requests) {
    Part run = Part.EMPTY;
    Map<StepIndex, Part> steps = new TreeMap<>();
    Map<LineKey, TokenCounts> byLine = new LinkedHashMap<>();
    for (StoredRequest r : requests) {
      run = run.plus(r);
      StepIndex step = r.stepIndex() == null ? StepIndex.OUTSIDE : StepIndex.of(r.stepIndex());
      steps.put(step, steps.getOrDefault(step, Part.EMPTY).plus(r));
      if (r.counts() != null) {
        // the proxy stores the request's own endpoint name; the figures know it as the Usage API's
        LineKey key = new LineKey(step, Endpoint.ofLocal(r.endpoint()), r.model());
        byLine.merge(key, r.counts(), TokenCounts::plus);
      }
    }
    List<MeteredLine> lines = new ArrayList<>();
    byLine.forEach(
        (k, counts) -> lines.add(new MeteredLine(k.step(), k.endpoint(), k.model(), counts)));
    return new MeteredFigures(runId, run, steps, lines);
  }

  /**
   * Step {@code index}'s figures ({@link StepIndex#OUTSIDE}: tagged with no step); empty if none.
   */
  public Optional<Part> step(StepIndex index) {
    return Optional.ofNullable(steps.get(index));
  }
}
