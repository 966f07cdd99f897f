package dev.tokenledger.openai;

import dev.tokenledger.TokenCounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
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
  private final Dimension[] dims;

  /** The current row's dimension values, reused from row to row. */
  private final Object[] probe;

  private Group[] slots = new Group[64];
  private final List<Group> order = new ArrayList<>();
  private long buckets;

  /** An aggregator grouping by {@code dimensions}, in that order; none sums per endpoint. */
  public UsageAggregator(Collection<Dimension> dimensions) {
    this.dimensions = List.copyOf(dimensions);
    this.dims = this.dimensions.toArray(new Dimension[0]);
    this.probe = new Object[dims.length];
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
    for (int i = 0; i < probe.length; i++) {
      probe[i] = result.dimension(dims[i]);
    }
    group(result.endpoint()).sum.add(result);
    return this;
  }

  /**
   * Adds a completions row straight from the parser's fields, as {@link #add(UsageResult)} adds the
   * {@link UsageResult.Completions} those fields make; the parser checks them first.
   */
  void addCompletions(RowFields f) {
    for (int i = 0; i < probe.length; i++) {
      probe[i] = f.completionsDimension(dims[i]);
    }
    group(UsageEndpoint.COMPLETIONS)
        .sum
        .add(
            f.n(ResultField.INPUT_TOKENS),
            f.n(ResultField.INPUT_CACHED_TOKENS),
            f.n(ResultField.OUTPUT_TOKENS),
            f.n(ResultField.NUM_MODEL_REQUESTS));
  }

  /** Counts a bucket whose rows the parser adds. */
  void countBucket() {
    buckets++;
  }

  /** The group of {@code endpoint} and the values in {@link #probe}, made when new. */
  private Group group(UsageEndpoint endpoint) {
    int hash = 1;
    for (Object v : probe) {
      hash = 31 * hash + (v == null ? 0 : v.hashCode());
    }
    hash = 31 * endpoint.hashCode() + hash;
    // Open addressing on the key's own hash, so that a row of a known group allocates nothing.
    int mask = slots.length - 1;
    int i = spread(hash) & mask;
    Group g;
    while ((g = slots[i]) != null && !g.key.matches(hash, endpoint, probe)) {
      i = (i + 1) & mask;
    }
    if (g == null) {
      g = new Group(new GroupKey(endpoint, dimensions, probe.clone()));
      slots[i] = g;
      order.add(g);
      if (order.size() * 2 > slots.length) {
        rehash();
      }
    }
    return g;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  private void rehash() {
    Group[] bigger = new Group[slots.length * 2];
    int mask = bigger.length - 1;
    for (Group g : order) {
      int i = spread(g.key.hashCode()) & mask;
      while (bigger[i] != null) {
        i = (i + 1) & mask;
      }
      bigger[i] = g;
    }
    slots = bigger;
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
    for (Group g : order) {
      out.put(g.key, g.sum.totals());
    }
    return Collections.unmodifiableMap(out);
  }

  /** The totals of all groups of {@code endpoint} (zero when it had none). */
  public UsageTotals total(UsageEndpoint endpoint) {
    Sum all = new Sum();
    for (Group g : order) {
      if (g.key.endpoint() == endpoint) {
        all.add(g.sum);
      }
    }
    return all.totals();
  }

  /** The totals per endpoint, for the endpoints seen. */
  public Map<UsageEndpoint, UsageTotals> totalsByEndpoint() {
    Map<UsageEndpoint, Sum> sums = new EnumMap<>(UsageEndpoint.class);
    for (Group g : order) {
      sums.computeIfAbsent(g.key.endpoint(), e -> new Sum()).add(g.sum);
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
    for (Group g : order) {
      rows += g.sum.rows;
    }
    return rows;
  }

  /** One group's key and running sum. */
  private static final class Group {
    final GroupKey key;
    final Sum sum = new Sum();

    Group(GroupKey key) {
      this.key = key;
    }
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
      input += r.inputTokens();
      cachedInput += r.inputCachedTokens();
      output += r.outputTokens();
      requests += r.numModelRequests();
      images += r.images();
      characters += r.characters();
      seconds += r.seconds();
      usageBytes += r.usageBytes();
      sessions += r.numSessions();
      numRequests += r.numRequests();
      return this;
    }

    /** A completions row: only tokens and requests. */
    void add(long input, long cachedInput, long output, long requests) {
      rows++;
      this.input += input;
      this.cachedInput += cachedInput;
      this.output += output;
      this.requests += requests;
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
