package dev.tokenledger.probe;

import dev.tokenledger.openai.RequestStats;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageTotals;
import dev.tokenledger.pricing.CostTotal;
import java.util.List;
import java.util.Optional;

/**
 * What one usage endpoint recorded in the probe's window.
 *
 * @param endpoint the endpoint read
 * @param totals everything it recorded
 * @param cost its estimated cost; empty for endpoints whose usage is not counted in tokens
 * @param groups the shown groups, largest first
 * @param stats what reading it cost in pages and HTTP requests
 */
public record EndpointUsage(
    UsageEndpoint endpoint,
    UsageTotals totals,
    Optional<CostTotal> cost,
    List<ProbeGroup> groups,
    RequestStats stats) {
  public EndpointUsage {
    groups = List.copyOf(groups);
  }
}
