package dev.tokenledger.reconcile;

import dev.tokenledger.attribution.QueryWindow;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a pass cost and covered: HTTP requests per usage endpoint (retries included), the windows
 * read, the minutes they cover, and how many runs it looked at, held and read.
 *
 * @param requestsByEndpoint HTTP requests per endpoint name, e.g. {@code completions=2}
 * @param windows the query windows of the plan (each read once per endpoint)
 * @param reads reads made (windows × endpoints, fewer when the API refused the key)
 * @param failedReads reads that failed
 * @param runsConsidered runs the pass selected
 * @param runsClaimed runs it held (the others were held by another reconciler)
 * @param runsRead runs it read
 */
public record PassStats(
    SortedMap<String, Integer> requestsByEndpoint,
    List<QueryWindow> windows,
    int reads,
    int failedReads,
    int runsConsidered,
    int runsClaimed,
    int runsRead) {

  public PassStats {
    requestsByEndpoint = new TreeMap<>(requestsByEndpoint);
    windows = List.copyOf(windows);
  }

  /** Minute buckets covered by the windows (the same for every endpoint). */
  public long minutesCovered() {
    return windows.stream().mapToLong(QueryWindow::minutes).sum();
  }

  /** HTTP requests over every endpoint. */
  public int requests() {
    return requestsByEndpoint.values().stream().mapToInt(Integer::intValue).sum();
  }
}
