package dev.tokenledger.openai;

import dev.tokenledger.TokenCounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums usage result rows by a chosen set of dimensions (e.g. model + batch + service_tier, or
 * api_key_id + model) into {@link UsageTotals} per {@link GroupKey}; the endpoint is always part of
 * the key, so tokens of different endpoints never mix. Shared by the usage command and the
 * reconciler. Not thread-safe.
 */
public final class UsageAggregator {
  private final List<Dimension> dimensions;
  private final Map<GroupKey, Sum> groups = new HashMap<>();
  private final List<GroupKey> order = new ArrayList<>();
  private long buckets;

  /** An aggregator grouping by {@code dimensions}, in that order; none sums per endpoint. */
  public UsageAggregator(Collection<Dimension> dimensions) {
    this.dimensions = List.copyOf(dimensions);
  }

  /** An aggregator grouping by {@code dimensions}. */
  public static UsageAggregator by(Dimension... dimensions) {
    return new UsageAggregator(Arrays.asList(dimensions));
  }

  /** The dimensions grouped by. */
  public List<Dimension> dimensions() {
    return dimensions;
  }

  /** Adds one result row. */
  public UsageAggregator add(UsageResult result) {
    Object[] values = new Object[dimensions.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = result.dimension(dimensions.get(i));
    }
    GroupKey key = new GroupKey(result.endpoint(), dimensions, values);
    Sum sum = groups.get(key);
    if (sum == null) {
      sum = new Sum();
      groups.put(key, sum);
      order.add(key);
    }
    sum.add(result);
    return this;
  }

  /** Adds every row of a bucket. */
  public UsageAggregator add(UsageBucket bucket) {
    buckets++;
    for (UsageResult r : bucket.results()) {
      add(r);
    }
    return this;
  }

  /** Adds every row of every bucket, consuming {@code buckets} (e.g. a {@link PagedBuckets}). */
  public UsageAggregator addAll(Iterable<UsageBucket> buckets) {
    for (UsageBucket b : buckets) {
      add(b);
    }
    return this;
  }

  /** The totals per group, in the order the groups were first seen. */
  public Map<GroupKey, UsageTotals> groups() {
    Map<GroupKey, UsageTotals> out = new LinkedHashMap<>();
    for (GroupKey k : order) {
      out.put(k, groups.get(k).totals());
    }
    return Collections.unmodifiableMap(out);
  }

  /** The totals of all groups of {@code endpoint} (zero when it had none). */
  public UsageTotals total(UsageEndpoint endpoint) {
    Sum all = new Sum();
    for (Map.Entry<GroupKey, Sum> e : groups.entrySet()) {
      if (e.getKey().endpoint() == endpoint) {
        all.add(e.getValue());
      }
    }
    return all.totals();
  }

  /** The totals per endpoint, for the endpoints seen. */
  public Map<UsageEndpoint, UsageTotals> totalsByEndpoint() {
    Map<UsageEndpoint, Sum> sums = new EnumMap<>(UsageEndpoint.class);
    for (GroupKey k : order) {
      sums.computeIfAbsent(k.endpoint(), e -> new Sum()).add(groups.get(k));
    }
    Map<UsageEndpoint, UsageTotals> out = new EnumMap<>(UsageEndpoint.class);
    sums.forEach((e, s) -> out.put(e, s.totals()));
    return Collections.unmodifiableMap(out);
  }

  /** Buckets added through {@link #add(UsageBucket)} or {@link #addAll}. */
  public long buckets() {
    return buckets;
  }

  /** Result rows added. */
  public long rows() {
    long rows = 0;
    for (Sum s : groups.values()) {
      rows += s.rows;
    }
    return rows;
  }

  /** A mutable running sum, so adding a row allocates nothing. */
  static final class Sum {
    private long input;
    private long cachedInput;
    private long output;
    private long requests;
    private long images;
    private long characters;
    private long seconds;
    private long usageBytes;
    private long sessions;
    private long numRequests;
    private long rows;

    Sum add(UsageResult r) {
      rows++;
      if (r instanceof UsageResult.Completions c) {
        input += c.inputTokens();
        cachedInput += c.inputCachedTokens();
        output += c.outputTokens();
        requests += c.numModelRequests();
      } else if (r instanceof UsageResult.Embeddings e) {
        input += e.inputTokens();
        requests += e.numModelRequests();
      } else if (r instanceof UsageResult.Moderations m) {
        input += m.inputTokens();
        requests += m.numModelRequests();
      } else if (r instanceof UsageResult.Images i) {
        images += i.images();
        requests += i.numModelRequests();
      } else if (r instanceof UsageResult.AudioSpeeches a) {
        characters += a.characters();
        requests += a.numModelRequests();
      } else if (r instanceof UsageResult.AudioTranscriptions a) {
        seconds += a.seconds();
        requests += a.numModelRequests();
      } else if (r instanceof UsageResult.VectorStores v) {
        usageBytes += v.usageBytes();
      } else if (r instanceof UsageResult.CodeInterpreterSessions c) {
        sessions += c.numSessions();
      } else if (r instanceof UsageResult.FileSearches f) {
        numRequests += f.numRequests();
      } else if (r instanceof UsageResult.WebSearches w) {
        numRequests += w.numRequests();
        requests += w.numModelRequests();
      }
      return this;
    }

    void add(Sum o) {
      input += o.input;
      cachedInput += o.cachedInput;
      output += o.output;
      requests += o.requests;
      images += o.images;
      characters += o.characters;
      seconds += o.seconds;
      usageBytes += o.usageBytes;
      sessions += o.sessions;
      numRequests += o.numRequests;
      rows += o.rows;
    }

    UsageTotals totals() {
      return new UsageTotals(
          new TokenCounts(input, cachedInput, output, requests),
          images,
          characters,
          seconds,
          usageBytes,
          sessions,
          numRequests,
          rows);
    }
  }
}
