package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.StepIndex;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Local per-request counts by run and minute, summed on demand for weights. */
final class LocalIndex {
  private final Map<String, TreeMap<Long, List<LocalRequest>>> byRun = new HashMap<>();

  LocalIndex(Collection<LocalRequest> requests) {
    for (LocalRequest request : requests) {
      byRun
          .computeIfAbsent(request.runId(), id -> new TreeMap<>())
          .computeIfAbsent(Minutes.floor(request.at().toEpochMilli()), m -> new ArrayList<>())
          .add(request);
    }
  }

  boolean hasRequests(String runId) {
    return byRun.containsKey(runId);
  }

  /**
   * What the run (or only its step {@code step}, when not {@code null}) used of {@code model} (any
   * model when {@code null}) in the minute starting at {@code minute}.
   */
  TokenCounts sum(String runId, StepIndex step, long minute, String model) {
    TreeMap<Long, List<LocalRequest>> minutes = byRun.get(runId);
    List<LocalRequest> requests = minutes == null ? null : minutes.get(minute);
    TokenCounts sum = TokenCounts.ZERO;
    if (requests != null) {
      for (LocalRequest r : requests) {
        if ((step == null || step.equals(r.step())) && (model == null || model.equals(r.model()))) {
          sum = sum.plus(r.counts());
        }
      }
    }
    return sum;
  }

  /** Weights per counter (uncached, cached, output, requests) and per participant. */
  static long[][] weights(List<TokenCounts> perParticipant) {
    long[][] w = new long[4][perParticipant.size()];
    for (int i = 0; i < perParticipant.size(); i++) {
      TokenCounts c = perParticipant.get(i);
      w[0][i] = c.uncachedInput();
      w[1][i] = c.cachedInput();
      w[2][i] = c.output();
      w[3][i] = c.requests();
    }
    return w;
  }
}
