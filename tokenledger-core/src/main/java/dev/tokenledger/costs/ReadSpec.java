package dev.tokenledger.costs;

import dev.tokenledger.Require;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One read a costs comparison needs: the endpoint ({@value #COSTS} or a usage endpoint such as
 * {@code completions}), its whole UTC days {@code [start, end)} with daily buckets, how it is
 * grouped and filtered, and the query string that asks for it (without a page cursor).
 *
 * @param groupBy the {@code group_by} values, as the API names them
 * @param apiKeyIds the keys it is limited to; empty for every key
 * @param projectIds the projects it is limited to; empty for every project
 */
public record ReadSpec(
    String endpoint,
    Instant start,
    Instant end,
    List<String> groupBy,
    List<String> apiKeyIds,
    List<String> projectIds,
    String query) {

  /** The endpoint name of {@code /organization/costs} reads. */
  public static final String COSTS = "costs";

  public ReadSpec {
    Objects.requireNonNull(endpoint, "endpoint");
    Require.window("a read's window", start, end);
    groupBy = List.copyOf(groupBy);
    apiKeyIds = List.copyOf(apiKeyIds);
    projectIds = List.copyOf(projectIds);
  }

  /** Whether this is a read of the Costs API (billed dollars) rather than of token usage. */
  public boolean isCosts() {
    return COSTS.equals(endpoint);
  }

  /**
   * Whether a read asked like this one holds everything {@code wanted} asks for: the same endpoint
   * and grouping, a window that contains its window, and filters no narrower than its filters.
   */
  public boolean covers(ReadSpec wanted) {
    return endpoint.equals(wanted.endpoint)
        && groupBy.equals(wanted.groupBy)
        && !start.isAfter(wanted.start)
        && !end.isBefore(wanted.end)
        && noNarrower(apiKeyIds, wanted.apiKeyIds)
        && noNarrower(projectIds, wanted.projectIds);
  }

  private static boolean noNarrower(List<String> filter, List<String> wanted) {
    return filter.isEmpty() || (!wanted.isEmpty() && filter.containsAll(wanted));
  }
}
