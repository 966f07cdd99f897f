package dev.tokenledger.probe;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.openai.RequestStats;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.pricing.CostTotal;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The answer of a probe: the window actually asked for (whole buckets), each endpoint's usage, the
 * token totals over the token endpoints, their estimated cost, and what the reading cost.
 *
 * @param request what was asked
 * @param start the window's start, floored to the bucket width
 * @param end the window's end, ceiled to the bucket width
 * @param endpoints the endpoints read, in the order asked
 * @param skipped endpoints left out because they cannot apply a requested filter (they would have
 *     reported unfiltered usage)
 * @param tokens the token totals of the endpoints that count tokens
 * @param cost the estimated cost of those tokens
 * @param stats pages and HTTP requests over all endpoints
 * @param matchedModels the models the API reported that the model filter let through
 * @param otherModels the models the API reported that the model filter left out (it is applied to
 *     the rows, since the API's own filter takes exact names only)
 */
public record ProbeResult(
    ProbeRequest request,
    Instant start,
    Instant end,
    List<EndpointUsage> endpoints,
    List<UsageEndpoint> skipped,
    TokenCounts tokens,
    CostTotal cost,
    RequestStats stats,
    Set<String> matchedModels,
    Set<String> otherModels) {
  public ProbeResult {
    endpoints = List.copyOf(endpoints);
    skipped = List.copyOf(skipped);
    matchedModels = Collections.unmodifiableSet(new TreeSet<>(matchedModels));
    otherModels = Collections.unmodifiableSet(new TreeSet<>(otherModels));
  }

  /**
   * What the model filter matched, e.g. {@code gpt-4o-mini matched gpt-4o-mini-2024-07-18 (its
   * dated snapshot)}; empty without a filter, or when each name matched only itself.
   */
  public String modelMatches() {
    return request.modelFilter().describe(matchedModels);
  }

  /** Whether the API recorded nothing at all in the window. */
  public boolean isEmpty() {
    return endpoints.stream().allMatch(e -> e.totals().rows() == 0);
  }
}
