package dev.tokenledger.sim;

import dev.tokenledger.TokenCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * Turns served requests into usage cells: the minute the request finished, its dimensions, and when
 * it becomes visible (the reporting delay, and now and then a late part that arrives later still).
 */
final class UsageFiler {
  private final UsageStore store;
  private final ReportingDelay delay;
  private final Random random;
  private final LateRevisions late;

  /**
   * With {@code probability}, part of a request's usage shows up on time and the rest between
   * {@code min} and {@code max} later.
   */
  record LateRevisions(double probability, Duration min, Duration max) {
    static final LateRevisions NONE =
        new LateRevisions(0, Duration.ofMinutes(30), Duration.ofMinutes(120));

    LateRevisions {
      if (!(probability >= 0 && probability <= 1)) {
        throw new IllegalArgumentException("probability must be in [0, 1], but was " + probability);
      }
      if (min.isNegative() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("need 0 <= min <= max, but got " + min + ", " + max);
      }
    }
  }

  UsageFiler(UsageStore store, ReportingDelay delay, long seed, LateRevisions late) {
    this.store = store;
    this.delay = delay;
    this.random = new Random(seed);
    this.late = late;
  }

  static long minuteOf(Instant instant) {
    return Math.floorDiv(instant.getEpochSecond(), 60) * 60;
  }

  /** The completions counters for text-only usage: the cached part and the uncached part. */
  static long[] completionCounters(TokenCounts c) {
    long[] v = new long[UsageEndpoint.COMPLETIONS.counters().size()];
    long uncached = c.input() - c.cachedInput();
    v[0] = c.input();
    v[1] = c.cachedInput();
    v[3] = uncached;
    v[4] = c.output();
    v[5] = uncached;
    v[6] = c.output();
    v[7] = c.cachedInput();
    v[14] = c.requests();
    return v;
  }

  static Object[] completionDims(SimKey key, String model, String serviceTier, boolean batch) {
    return new Object[] {key.projectId(), key.userId(), key.id(), model, batch, serviceTier};
  }

  static Object[] keyModelDims(SimKey key, String model) {
    return new Object[] {key.projectId(), key.userId(), key.id(), model};
  }

  /** A completions or embeddings cell of the store, read back in the layout this filer wrote. */
  static ServedUsage served(UsageEndpoint endpoint, UsageStore.Snapshot s) {
    Object[] d = s.dims();
    long[] c = s.counts();
    boolean completions = endpoint == UsageEndpoint.COMPLETIONS;
    return new ServedUsage(
        endpoint,
        Instant.ofEpochSecond(s.minute()),
        (String) d[2],
        (String) d[0],
        (String) d[3],
        completions ? (String) d[5] : null,
        completions ? (Boolean) d[4] : null,
        completions ? new TokenCounts(c[0], c[1], c[4], c[14]) : new TokenCounts(c[0], 0, 0, c[1]));
  }

  void fileCompletion(
      SimKey key,
      String model,
      String serviceTier,
      boolean batch,
      Instant finishedAt,
      TokenCounts counts) {
    Object[] dims = completionDims(key, model, serviceTier, batch);
    long minute = minuteOf(finishedAt);
    Instant visibleAt = finishedAt.plus(nextDelay());
    if (counts.requests() > 0 && chance(late.probability())) {
      // part of the request shows up first, the rest in a later revision of the same bucket
      double share = 0.5 + 0.4 * nextDouble();
      long input = Math.round(counts.input() * share);
      long cached = Math.min(Math.round(counts.cachedInput() * share), input);
      cached = Math.max(cached, counts.cachedInput() - (counts.input() - input));
      long output = Math.round(counts.output() * share);
      TokenCounts first = new TokenCounts(input, cached, output, counts.requests());
      TokenCounts rest =
          new TokenCounts(
              counts.input() - input, counts.cachedInput() - cached, counts.output() - output, 0);
      store.add(
          UsageEndpoint.COMPLETIONS,
          minute,
          dims,
          completionCounters(counts),
          completionCounters(first),
          visibleAt);
      store.add(
          UsageEndpoint.COMPLETIONS,
          minute,
          dims,
          null,
          completionCounters(rest),
          visibleAt.plus(lateBy()));
    } else {
      long[] v = completionCounters(counts);
      store.add(UsageEndpoint.COMPLETIONS, minute, dims, v, v, visibleAt);
    }
  }

  void fileEmbedding(SimKey key, String model, Instant finishedAt, long inputTokens) {
    long[] v = {inputTokens, 1};
    store.add(
        UsageEndpoint.EMBEDDINGS,
        minuteOf(finishedAt),
        keyModelDims(key, model),
        v,
        v,
        finishedAt.plus(nextDelay()));
  }

  void fileOther(UsageEndpoint endpoint, Object[] dims, long[] counts, Instant finishedAt) {
    store.add(endpoint, minuteOf(finishedAt), dims, counts, counts, finishedAt.plus(nextDelay()));
  }

  void revise(UsageEndpoint endpoint, long minute, Object[] dims, long[] extra, Instant visibleAt) {
    store.add(endpoint, minute, dims, null, extra, visibleAt);
  }

  private Duration nextDelay() {
    synchronized (random) {
      return delay.next(random);
    }
  }

  private boolean chance(double p) {
    return p > 0 && nextDouble() < p;
  }

  private double nextDouble() {
    synchronized (random) {
      return random.nextDouble();
    }
  }

  private Duration lateBy() {
    long span = late.max().toSeconds() - late.min().toSeconds();
    synchronized (random) {
      return late.min().plusSeconds(span <= 0 ? 0 : random.nextLong(span + 1));
    }
  }
}
