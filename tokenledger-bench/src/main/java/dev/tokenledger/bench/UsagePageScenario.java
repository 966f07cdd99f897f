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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@link UsagePageBenchmark}'s parse + aggregate side by side with its Python anchor ({@code
 * tokenledger-bench/python/usage_page_anchor.py}, the standard library's {@code json}) on the very
 * same page file, timed by each side's thread CPU time as well as the wall clock (on a shared
 * machine the wall clock also counts other processes' turns). Java is timed on both of its paths:
 * the rows ({@code parseUsage}, then each bucket added) and the sums ({@code aggregateUsage}, no
 * record per row). The sides take turns, in rounds, and each round's ratio is to the Python of the
 * same round: the machine's own speed moves by a third over minutes, which one long turn per side
 * would put in the ratio. Prints the rates and the ratios (each round's, and their median); exits 1
 * when any two disagree on the totals (parsing wrong is a failure, never a figure).
 *
 * <p>Arguments: {@code [seconds per side, 10] [rounds, 5] [anchor script]}.
 */
public final class UsagePageScenario {
  private UsagePageScenario() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String script = args.length > 2 ? args[2] : "tokenledger-bench/python/usage_page_anchor.py";
    if (!(seconds > 0) || rounds < 1) {
      System.err.println("UsagePageScenario: seconds must be above 0 and rounds 1 or more");
      System.exit(2);
    }
    double perRound = seconds / rounds;
    Path page = Files.createTempFile("tokenledger-usage-page-", ".json");
    try {
      byte[] json =
          UsagePageBenchmark.pageJson(new SplittableRandom(UsagePageBenchmark.SEED))
              .getBytes(StandardCharsets.UTF_8);
      Files.write(page, json);
      System.out.printf(
          Locale.ROOT,
          "usage page: %d buckets x %d results, %d bytes; %d rounds of %.1f s per side%n",
          UsagePageBenchmark.BUCKETS,
          UsagePageBenchmark.RESULTS_PER_BUCKET,
          json.length,
          rounds,
          perRound);
      String javaTotals = totals(aggregate(json));
      if (!totals(parseAndAggregate(json)).equals(javaTotals)) {
        System.out.println("FAILED: the two parsing paths give different totals");
        System.exit(1);
      }
      warmUp(json, seconds * 0.3);
      double[] sums = new double[rounds];
      double[] rows = new double[rounds];
      double[] python = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        // every other round the other way round, so that a drift within a round falls on each side
        if (r % 2 == 1) {
          python[r] = pythonRate(script, perRound, page, javaTotals);
        }
        rows[r] = cpuRate("rows (parseUsage, then add each bucket)", json, perRound, true);
        sums[r] = cpuRate("sums (aggregateUsage)", json, perRound, false);
        if (r % 2 == 0) {
          python[r] = pythonRate(script, perRound, page, javaTotals);
        }
        System.out.printf(
            Locale.ROOT,
            "round %d: sums %.2fx Python's json, rows %.2fx%n",
            r + 1,
            sums[r] / python[r],
            rows[r] / python[r]);
      }
      System.out.println(javaTotals);
      System.out.printf(
          Locale.ROOT,
          "median of %d rounds: java sums %.0f rows/s, rows %.0f rows/s, python %.0f rows/s (CPU)%n",
          rounds,
          median(sums),
          median(rows),
          median(python));
      System.out.printf(
          Locale.ROOT,
          "ratio (CPU time, median of the rounds' ratios): sums %.2fx Python's json, rows %.2fx%n",
          median(ratios(sums, python)),
          median(ratios(rows, python)));
    } finally {
      Files.deleteIfExists(page);
    }
  }

  /** The JIT's first compilations are not what a long-lived reader pays. */
  private static void warmUp(byte[] json, double seconds) {
    long warm = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < warm) {
      run(json, true);
      run(json, false);
    }
  }

  /** Python's rows per second of CPU time for {@code seconds}; exits when its totals differ. */
  private static double pythonRate(String script, double seconds, Path page, String javaTotals)
      throws Exception {
    List<String> python = run(List.of("python3", script, String.valueOf(seconds), page.toString()));
    python.forEach(System.out::println);
    if (python.size() < 2 || !python.get(python.size() - 1).equals(javaTotals)) {
      System.out.println("FAILED: Python's totals differ from Java's");
      System.exit(1);
    }
    return Double.parseDouble(python.get(0).replaceAll(".*pages: ([0-9.]+) rows/s of CPU.*", "$1"));
  }

  private static double[] ratios(double[] java, double[] python) {
    double[] r = new double[java.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = java[i] / python[i];
    }
    return r;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Rows per second of thread CPU time over {@code seconds} of {@code json}'s path. */
  private static double cpuRate(String what, byte[] json, double seconds, boolean rows) {
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
