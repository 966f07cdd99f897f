package dev.tokenledger.costs;

import dev.tokenledger.openai.BucketWidth;
import dev.tokenledger.openai.CostBucket;
import dev.tokenledger.openai.CostsQuery;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.openai.PagedBuckets;
import dev.tokenledger.openai.UsageBucket;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageQuery;
import dev.tokenledger.openai.WindowQuery;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Fetches what a costs comparison needs (docs/design.md §6): {@code /organization/costs} grouped by
 * key, line item and project, and the completions and embeddings usage of the same days grouped by
 * key, project, model, batch and tier; daily buckets, every page.
 */
public final class CostsFetcher {
  private static final BucketWidth DAY = BucketWidth.DAY;
  private static final List<UsageEndpoint> USAGE =
      List.of(UsageEndpoint.COMPLETIONS, UsageEndpoint.EMBEDDINGS);

  private final OpenAiAdminClient client;
  private final Clock clock;

  public CostsFetcher(OpenAiAdminClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The reads a comparison of {@code request} needs, in the order they are fetched. */
  public static List<ReadSpec> plan(CostsRequest request) {
    List<ReadSpec> specs = new ArrayList<>();
    specs.add(spec(costsQuery(request)));
    for (UsageEndpoint endpoint : USAGE) {
      specs.add(spec(usageQuery(request, endpoint)));
    }
    return specs;
  }

  /**
   * Fetches every read of {@link #plan}, handing each to {@code onRead} as soon as it is complete.
   * A read that fails is handed over with its error, then its exception is thrown and nothing more
   * is fetched.
   *
   * @throws OpenAiException when a read fails
   */
  public List<CostsRead> fetch(CostsRequest request, Consumer<CostsRead> onRead) {
    List<CostsRead> reads = new ArrayList<>();
    CostsQuery costs = costsQuery(request);
    PagedBuckets<CostBucket> billed = client.costs(costs);
    List<CostBucket> costBuckets = drain(billed, spec(costs), onRead);
    reads.add(CostsRead.billed(spec(costs), clock.instant(), billed.stats(), costBuckets));
    onRead.accept(reads.get(reads.size() - 1));
    for (UsageEndpoint endpoint : USAGE) {
      UsageQuery query = usageQuery(request, endpoint);
      PagedBuckets<UsageBucket> used = client.usage(query);
      List<UsageBucket> usageBuckets = drain(used, spec(query), onRead);
      reads.add(CostsRead.usage(spec(query), clock.instant(), used.stats(), usageBuckets));
      onRead.accept(reads.get(reads.size() - 1));
    }
    return reads;
  }

  /** Every bucket of {@code pages}; on failure hands the failed read over, then rethrows. */
  private <B> List<B> drain(PagedBuckets<B> pages, ReadSpec spec, Consumer<CostsRead> onRead) {
    List<B> buckets = new ArrayList<>();
    try {
      pages.forEach(buckets::add);
    } catch (OpenAiException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      onRead.accept(CostsRead.failed(spec, clock.instant(), pages.stats(), message));
      throw e;
    }
    return buckets;
  }

  private static CostsQuery costsQuery(CostsRequest request) {
    return CostsQuery.builder()
        .window(DAY.floor(request.start()), DAY.ceil(request.end()))
        .groupBy(Dimension.API_KEY_ID, Dimension.LINE_ITEM, Dimension.PROJECT_ID)
        .apiKeyIds(request.apiKeyIds())
        .projectIds(request.projectIds())
        .build();
  }

  private static UsageQuery usageQuery(CostsRequest request, UsageEndpoint endpoint) {
    UsageQuery.Builder query =
        UsageQuery.builder(endpoint)
            .window(DAY.floor(request.start()), DAY.ceil(request.end()))
            .width(DAY)
            .limit(DAY.maxLimit())
            .groupBy(Dimension.API_KEY_ID, Dimension.PROJECT_ID, Dimension.MODEL);
    if (endpoint == UsageEndpoint.COMPLETIONS) {
      query.groupBy(Dimension.BATCH, Dimension.SERVICE_TIER);
    }
    if (!request.apiKeyIds().isEmpty()) {
      query.apiKeyIds(request.apiKeyIds());
    }
    if (!request.projectIds().isEmpty()) {
      query.projectIds(request.projectIds());
    }
    return query.build();
  }

  private static ReadSpec spec(CostsQuery q) {
    return spec(ReadSpec.COSTS, q);
  }

  private static ReadSpec spec(UsageQuery q) {
    return spec(q.endpoint().wireName(), q);
  }

  /** What a read of {@code endpoint} (a usage endpoint's name or {@link ReadSpec#COSTS}) asked. */
  private static ReadSpec spec(String endpoint, WindowQuery q) {
    return new ReadSpec(
        endpoint,
        q.alignedStart(),
        q.alignedEnd(),
        q.groupBy().stream().map(Dimension::wire).toList(),
        q.apiKeyIds(),
        q.projectIds(),
        q.toQueryString());
  }
}
