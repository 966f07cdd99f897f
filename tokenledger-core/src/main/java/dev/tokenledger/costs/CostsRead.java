package dev.tokenledger.costs;

import dev.tokenledger.Require;
import dev.tokenledger.openai.CostBucket;
import dev.tokenledger.openai.RequestStats;
import dev.tokenledger.openai.UsageBucket;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One read of a costs comparison, every page of it: the billed buckets of a Costs API read or the
 * usage buckets of a usage read, or the error that stopped it.
 *
 * @param spec what was asked
 * @param fetchedAt when the last page arrived (or the read failed)
 * @param requests what fetching it took; zero for a read loaded from the ledger
 * @param costBuckets the buckets of a Costs API read; empty otherwise
 * @param usageBuckets the buckets of a usage read; empty otherwise
 * @param error why the read failed (never a key), or {@code null}
 */
public record CostsRead(
    ReadSpec spec,
    Instant fetchedAt,
    RequestStats requests,
    List<CostBucket> costBuckets,
    List<UsageBucket> usageBuckets,
    String error) {

  private static final RequestStats NO_REQUESTS = new RequestStats(0, 0, 0);

  public CostsRead {
    Require.nonNull("spec fetchedAt requests", spec, fetchedAt, requests);
    costBuckets = List.copyOf(costBuckets);
    usageBuckets = List.copyOf(usageBuckets);
    if (spec.isCosts() ? !usageBuckets.isEmpty() : !costBuckets.isEmpty()) {
      throw new IllegalArgumentException(
          "a read of "
              + spec.endpoint()
              + " holds only "
              + (spec.isCosts() ? "cost" : "usage")
              + " buckets");
    }
    if (error != null && !(costBuckets.isEmpty() && usageBuckets.isEmpty())) {
      throw new IllegalArgumentException("a failed read of " + spec.endpoint() + " has no buckets");
    }
  }

  /** A successful read of the Costs API. */
  public static CostsRead billed(
      ReadSpec spec, Instant fetchedAt, RequestStats requests, List<CostBucket> buckets) {
    return new CostsRead(spec, fetchedAt, requests, buckets, List.of(), null);
  }

  /** A successful read of a usage endpoint. */
  public static CostsRead usage(
      ReadSpec spec, Instant fetchedAt, RequestStats requests, List<UsageBucket> buckets) {
    return new CostsRead(spec, fetchedAt, requests, List.of(), buckets, null);
  }

  /** A read that failed with {@code error}. */
  public static CostsRead failed(
      ReadSpec spec, Instant fetchedAt, RequestStats requests, String error) {
    return new CostsRead(
        spec, fetchedAt, requests, List.of(), List.of(), Objects.requireNonNull(error, "error"));
  }

  /** A read kept earlier (in the ledger): it took no requests now. */
  public static CostsRead kept(
      ReadSpec spec, Instant fetchedAt, List<CostBucket> costs, List<UsageBucket> usage) {
    return new CostsRead(spec, fetchedAt, NO_REQUESTS, costs, usage, null);
  }

  /** Whether the read failed. */
  public boolean failed() {
    return error != null;
  }
}
