package dev.tokenledger.bench;

import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.Page;
import dev.tokenledger.openai.PageParser;
import dev.tokenledger.openai.UsageAggregator;
import dev.tokenledger.openai.UsageBucket;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parses and aggregates one Usage API page of 1,440 minute buckets with 20 grouped completions
 * results each (28,800 rows), as a day of {@code bucket_width=1m} grouped by key, model, project,
 * tier and batch returns it. Scores are result rows per second on one thread; goal ≥ 1,000,000 and
 * at least 5× the Python anchor ({@code tokenledger-bench/python/usage_page_anchor.py}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class UsagePageBenchmark {
  static final int BUCKETS = 1440;
  static final int RESULTS_PER_BUCKET = 20;
  static final int ROWS = BUCKETS * RESULTS_PER_BUCKET;
  static final long SEED = 20241009;

  private static final String[] MODELS = {
    "gpt-5-mini-2025-08-07", "gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14", "o4-mini-2025-04-16"
  };
  private static final String[] TIERS = {"default", "flex", "priority"};

  private byte[] page;

  @Setup
  public void generatePage() {
    page = pageJson(new SplittableRandom(SEED)).getBytes(StandardCharsets.UTF_8);
    long rows = parseAndAggregate().rows();
    if (rows != ROWS) {
      throw new IllegalStateException("the generated page holds " + rows + " rows, not " + ROWS);
    }
  }

  /** Parse the page, then sum it by model + batch + service tier (what the usage probe prices). */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public UsageAggregator parseAndAggregate() {
    Page<UsageBucket> p = PageParser.parseUsage(page);
    return UsageAggregator.by(Dimension.MODEL, Dimension.BATCH, Dimension.SERVICE_TIER)
        .addAll(p.buckets());
  }

  /** Sum the page while parsing it, without a record per row (what the usage probe does). */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public UsageAggregator aggregateWhileParsing() {
    return PageParser.aggregateUsage(
        page, UsageAggregator.by(Dimension.MODEL, Dimension.BATCH, Dimension.SERVICE_TIER));
  }

  /** Parse only, for comparison. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Page<UsageBucket> parseOnly() {
    return PageParser.parseUsage(page);
  }

  static String pageJson(SplittableRandom random) {
    long start = 1_728_432_000L; // 2024-10-09T00:00:00Z
    StringBuilder sb = new StringBuilder(ROWS * 720).append("{\"object\":\"page\",\"data\":[");
    for (int b = 0; b < BUCKETS; b++) {
      long s = start + 60L * b;
      sb.append(b == 0 ? "" : ",")
          .append("{\"object\":\"bucket\",\"start_time\":")
          .append(s)
          .append(",\"end_time\":")
          .append(s + 60)
          .append(",\"results\":[");
      for (int r = 0; r < RESULTS_PER_BUCKET; r++) {
        long cached = random.nextInt(2000);
        long cacheWrite = random.nextInt(200);
        long uncached = random.nextInt(5000);
        long output = random.nextInt(3000);
        sb.append(r == 0 ? "" : ",")
            .append("{\"object\":\"organization.usage.completions.result\",\"input_tokens\":")
            .append(cached + cacheWrite + uncached)
            .append(",\"input_cached_tokens\":")
            .append(cached)
            .append(",\"input_cache_write_tokens\":")
            .append(cacheWrite)
            .append(",\"input_uncached_tokens\":")
            .append(uncached)
            .append(",\"output_tokens\":")
            .append(output)
            .append(",\"input_text_tokens\":")
            .append(uncached)
            .append(",\"output_text_tokens\":")
            .append(output)
            .append(",\"input_cached_text_tokens\":")
            .append(cached)
            .append(",\"input_audio_tokens\":0,\"input_cached_audio_tokens\":0,")
            .append("\"output_audio_tokens\":0,\"input_image_tokens\":0,")
            .append("\"input_cached_image_tokens\":0,\"output_image_tokens\":0,")
            .append("\"num_model_requests\":")
            .append(1 + random.nextInt(20))
            .append(",\"project_id\":\"proj_")
            .append(r % 3)
            .append("\",\"user_id\":null,\"api_key_id\":\"key_")
            .append(r % 5)
            .append("\",\"model\":\"")
            .append(MODELS[r % MODELS.length])
            .append("\",\"batch\":")
            .append(r % 7 == 0)
            .append(",\"service_tier\":\"")
            .append(TIERS[r % TIERS.length])
            .append("\"}");
      }
      sb.append("]}");
    }
    return sb.append("],\"has_more\":false,\"next_page\":null}").toString();
  }
}
