package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The outcome of one attribution: a figure for every run given (in the order given) and the usage
 * of each key that fell in no run's window. Every input row is accounted for exactly once: the sum
 * over runs plus the unattributed rows equals the input, per key, minute, line and counter.
 *
 * @param unattributed rows (whole) of minutes in which no run of the row's key was open, sorted by
 *     key, minute and line
 */
public record AttributionResult(List<RunAttribution> runs, List<UsageRow> unattributed) {

  public AttributionResult {
    runs = List.copyOf(runs);
    unattributed = List.copyOf(unattributed);
  }

  /** The figure of the run with this id, if it was given. */
  public Optional<RunAttribution> run(String runId) {
    return runs.stream().filter(r -> r.runId().equals(runId)).findFirst();
  }

  /** Every run's figure by run id: built anew on each call, for callers that look many up. */
  public Map<String, RunAttribution> byRun() {
    Map<String, RunAttribution> out = new HashMap<>(runs.size() * 2);
    for (RunAttribution r : runs) {
      out.putIfAbsent(r.runId(), r);
    }
    return out;
  }

  /** Unattributed usage per key: someone used the key outside every recorded run. */
  public SortedMap<String, TokenCounts> unattributedByKey() {
    TreeMap<String, TokenCounts> sums = new TreeMap<>();
    for (UsageRow row : unattributed) {
      sums.merge(row.apiKeyId(), row.counts(), TokenCounts::plus);
    }
    return Collections.unmodifiableSortedMap(sums);
  }
}
