package dev.tokenledger.bench;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.PageParser;
import dev.tokenledger.openai.UsageAggregator;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageTotals;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@link UsagePageBenchmark}'s parse + aggregate side by side with its Python anchor ({@code
 * tokenledger-bench/python/usage_page_anchor.py}, the standard library's {@code json}) on the very
 * same page file, timed by each side's thread CPU time as well as the wall clock (on a shared
 * machine the wall clock also counts other processes' turns). Java is timed on both of its paths:
 * the rows ({@code parseUsage}, then each bucket added) and the sums ({@code aggregateUsage}, no
 * record per row). Prints the rates and the ratios; exits 1 when any two disagree on the totals
 * (parsing wrong is a failure, never a figure).
 *
 * <p>Arguments: {@code [seconds per side, 10] [anchor script]}.
 */
public final class UsagePageScenario {
  private UsagePageScenario() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    String script = args.length > 1 ? args[1] : "tokenledger-bench/python/usage_page_anchor.py";
    Path page = Files.createTempFile("tokenledger-usage-page-", ".json");
    try {
      byte[] json =
          UsagePageBenchmark.pageJson(new SplittableRandom(UsagePageBenchmark.SEED))
              .getBytes(StandardCharsets.UTF_8);
      Files.write(page, json);
      System.out.printf(
          Locale.ROOT,
          "usage page: %d buckets x %d results, %d bytes%n",
          UsagePageBenchmark.BUCKETS,
          UsagePageBenchmark.RESULTS_PER_BUCKET,
          json.length);
      String javaTotals = totals(aggregate(json));
      if (!totals(parseAndAggregate(json)).equals(javaTotals)) {
        System.out.println("FAILED: the two parsing paths give different totals");
        System.exit(1);
      }
      double rowsRate = cpuRate("rows (parseUsage, then add each bucket)", json, seconds, true);
      double sumsRate = cpuRate("sums (aggregateUsage)", json, seconds, false);
      System.out.println(javaTotals);

      List<String> python =
          run(List.of("python3", script, String.valueOf(seconds), page.toString()));
      python.forEach(System.out::println);
      if (python.size() < 2 || !python.get(python.size() - 1).equals(javaTotals)) {
        System.out.println("FAILED: Python's totals differ from Java's");
        System.exit(1);
      }
      double pythonCpuRate =
          Double.parseDouble(python.get(0).replaceAll(".*pages: ([0-9.]+) rows/s of CPU.*", "$1"));
      System.out.printf(
          Locale.ROOT,
          "ratio (CPU time): sums %.2fx Python's json, rows %.2fx%n",
          sumsRate / pythonCpuRate,
          rowsRate / pythonCpuRate);
    } finally {
      Files.deleteIfExists(page);
    }
  }

  /**
   * Rows per second of thread CPU time, after a warm-up: the JIT's first compilations are not what
   * a long-lived reader pays.
   */
  private static double cpuRate(String what, byte[] json, double seconds, boolean rows) {
    long warm = System.nanoTime() + (long) (seconds * 0.3e9);
    while (System.nanoTime() < warm) {
      run(json, rows);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long wall0 = System.nanoTime();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long pages = 0;
    while (System.nanoTime() - wall0 < seconds * 1e9) {
      run(json, rows);
      pages++;
    }
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    double wall = (System.nanoTime() - wall0) / 1e9;
    double cpuRate = UsagePageBenchmark.ROWS * pages / cpu;
    System.out.printf(
        Locale.ROOT,
        "java %s, %s: %d pages: %.0f rows/s of CPU, %.0f rows/s of wall time%n",
        Runtime.version(),
        what,
        pages,
        cpuRate,
        UsagePageBenchmark.ROWS * pages / wall);
    return cpuRate;
  }

  private static UsageAggregator run(byte[] json, boolean rows) {
    return rows ? parseAndAggregate(json) : aggregate(json);
  }

  private static UsageAggregator aggregate(byte[] json) {
    return PageParser.aggregateUsage(
        json, UsageAggregator.by(Dimension.MODEL, Dimension.BATCH, Dimension.SERVICE_TIER));
  }

  private static UsageAggregator parseAndAggregate(byte[] json) {
    return UsageAggregator.by(Dimension.MODEL, Dimension.BATCH, Dimension.SERVICE_TIER)
        .addAll(PageParser.parseUsage(json).buckets());
  }

  /** The anchor's totals line, so that the two can be compared as text. */
  private static String totals(UsageAggregator a) {
    UsageTotals t = a.total(UsageEndpoint.COMPLETIONS);
    TokenCounts k = t.tokens();
    return String.format(
        Locale.ROOT,
        "totals: groups=%d input=%d cached=%d output=%d requests=%d rows=%d",
        a.groups().size(),
        k.input(),
        k.cachedInput(),
        k.output(),
        k.requests(),
        t.rows());
  }

  private static List<String> run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    }
    if (p.waitFor() != 0) {
      System.out.println("FAILED: " + String.join(" ", command) + " exited " + p.exitValue());
      System.exit(1);
    }
    return lines;
  }
}
