package dev.tokenledger.ledger;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.ledger.MeterStore.StoredRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A metered run's figures: the sums of its metered requests, for the run and each step, exact by
 * construction and available the moment a step ends. Requests whose usage is unknown (a stream cut
 * short, a refused {@code stream_options}) are counted apart, never as zero tokens.
 *
 * @param run the whole run
 * @param steps each step by index; index 0 holds the run's requests tagged with no step
 * @param lines the reported usage per step (null: untagged, 0 here too), endpoint and model
 */
public record MeteredFigures(
    String runId, Part run, Map<Integer, Part> steps, List<MeteredLine> lines) {

  public MeteredFigures {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(run, "run");
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
  public record MeteredLine(Integer stepIndex, String endpoint, String model, TokenCounts counts) {}

  /** The figures {@code requests} (all of run {@code runId}) add up to. */
  public static MeteredFigures of(String runId, List<StoredRequest> requests) {
    Part run = Part.EMPTY;
    Map<Integer, Part> steps = new TreeMap<>();
    Map<List<Object>, TokenCounts> byLine = new LinkedHashMap<>();
    for (StoredRequest r : requests) {
      run = run.plus(r);
      int step = r.stepIndex() == null ? 0 : r.stepIndex();
      steps.put(step, steps.getOrDefault(step, Part.EMPTY).plus(r));
      if (r.counts() != null) {
        List<Object> key = new ArrayList<>();
        key.add(step);
        key.add(r.endpoint());
        key.add(r.model());
        byLine.merge(key, r.counts(), TokenCounts::plus);
      }
    }
    List<MeteredLine> lines = new ArrayList<>();
    byLine.forEach(
        (k, counts) ->
            lines.add(
                new MeteredLine((Integer) k.get(0), (String) k.get(1), (String) k.get(2), counts)));
    return new MeteredFigures(runId, run, steps, lines);
  }

  /** Step {@code index}'s figures (0: the run's requests tagged with no step); empty if none. */
  public Optional<Part> step(int index) {
    return Optional.ofNullable(steps.get(index));
  }
}
