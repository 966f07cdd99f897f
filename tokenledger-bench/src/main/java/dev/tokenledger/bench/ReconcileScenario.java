package dev.tokenledger.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.SettlementStore.RunSelection;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.ledger.TestPostgres;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.report.Report;
import dev.tokenledger.report.ReportBuilder;
import dev.tokenledger.report.ReportDimension;
import dev.tokenledger.report.ReportQuery;
import dev.tokenledger.report.ReportRow;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import dev.tokenledger.sim.UsageEndpoint;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Prints what reconcile passes over many runs cost: usage requests per pass (from the simulator's
 * request log), the wall time of each pass and the heap's peak while reconciling, until every run
 * is final; then what {@code report --by framework} over those runs costs. One simulated day: runs
 * of three framework keys, six steps each, two model requests per step. Run by hand (see the
 * README). It exits 1 when the result is wrong, never for being slow: a run not final after
 * stable-reads + 3 passes, or a framework's reported tokens not equal to what the simulator served
 * its key.
 *
 * <p>Arguments: {@code [runs] [steps] [sqlite|postgresql|both]}, default 1,000, 6 and both.
 */
public final class ReconcileScenario {
  private static final Instant DAY = Instant.parse("2025-10-27T00:00:00Z");
  private static final String[] FRAMEWORKS = {"chatdev", "baes", "ghspec"};

  private ReconcileScenario() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    String backends = args.length > 2 ? args[2] : "both";
    Path dir = Files.createTempDirectory("tokenledger-bench-reconcile-");
    System.out.printf(
        Locale.ROOT,
        "reconcile: %d runs x %d steps of %d framework keys in one simulated day%n",
        runs,
        steps,
        FRAMEWORKS.length);
    boolean ok = true;
    if (!backends.equals("postgresql")) {
      ok &= scenario("SQLite", LedgerLocation.sqlite(dir.resolve("ledger.db")), runs, steps);
    }
    if (!backends.equals("sqlite")) {
      ok &=
          scenario(
              "PostgreSQL", LedgerLocation.postgresql(TestPostgres.newDatabaseUrl()), runs, steps);
    }
    if (!ok) {
      // a scenario whose runs do not settle is a failure, never a figure
      System.exit(1);
    }
  }

  /** Records the runs, reconciles them, prints each pass; whether every run ended final. */
  private static boolean scenario(String name, LedgerLocation location, int runs, int steps)
      throws Exception {
    SimClock clock = SimClock.stepped(DAY);
    try (OpenAiSimulator sim =
            OpenAiSimulator.builder()
                .clock(clock)
                .seed(3)
                .reportingDelay(ReportingDelay.fixed(Duration.ofMinutes(5)))
                .start();
        Ledger ledger =
            Ledger.builder(location).clock(clock).heartbeatInterval(Duration.ZERO).open()) {
      SimKey admin = sim.register(SimKey.admin("bench reader"));
      List<SimKey> keys = new ArrayList<>();
      for (String fw : FRAMEWORKS) {
        sim.addProject("proj_" + fw, fw);
        keys.add(sim.register(SimKey.project(fw + " runner", "proj_" + fw)));
      }
      Random random = new Random(42);
      // what the simulator serves each framework's key: the figures the report must show
      Map<String, TokenCounts> served = new TreeMap<>();
      long spacing = Duration.ofDays(1).toMillis() / runs;
      Instant last = DAY;
      for (int i = 0; i < runs; i++) {
        SimKey key = keys.get(i % keys.size());
        Instant start = DAY.plusMillis(i * spacing + random.nextInt(3_000));
        List<StepSpec> stepSpecs = new ArrayList<>();
        Instant cursor = start;
        for (int s = 0; s < steps; s++) {
          Instant end = cursor.plusMillis(4_000 + random.nextInt(30_000));
          for (int k = 0; k < 2; k++) {
            Instant at = cursor.plusMillis(1_000 + random.nextInt(2_500) * (k + 1));
            int input = 800 + random.nextInt(4_000);
            int output = 100 + random.nextInt(900);
            served.merge(
                FRAMEWORKS[i % FRAMEWORKS.length],
                new TokenCounts(input, 0, output, 1),
                TokenCounts::plus);
            sim.recordUsage(
                UsageEndpoint.COMPLETIONS,
                key,
                at,
                Map.of(
                    "model",
                    "gpt-4o-mini-2024-07-18",
                    "service_tier",
                    "default",
                    "input_tokens",
                    input,
                    "output_tokens",
                    output,
                    "num_model_requests",
                    1));
          }
          stepSpecs.add(new StepSpec(s + 1, "step " + (s + 1), cursor, end, 0));
          cursor = end.plusMillis(random.nextInt(2_000));
        }
        ledger.recordFinishedRun(
            RunSpec.builder(FRAMEWORKS[i % FRAMEWORKS.length])
                .experiment("bench")
                .apiKeyId(key.id())
                .startedAt(start)
                .endedAt(cursor)
                .build(),
            stepSpecs);
        last = cursor.isAfter(last) ? cursor : last;
      }
      OpenAiAdminClient client =
          OpenAiAdminClient.builder()
              .baseUrl(sim.baseUrl().toString())
              .adminKey(admin.apiKey())
              .clock(clock)
              .sleeper(clock::advance)
              .build();
      Reconciler reconciler = Reconciler.builder(ledger, client).clock(clock).build();
      ReconcileSettings settings = reconciler.settings();
      // Only reads taken min-age after a run ended count toward its stable reads: start then, so
      // that stable-reads passes an interval apart settle every run (starting earlier only adds
      // passes whose reads cannot count yet).
      clock.set(last.plus(settings.minAge()));
      System.out.println("  " + name + ":");
      int passes = settings.stableReads() + 3;
      long notFinal = runs;
      System.gc();
      long heapBefore = heapUsed();
      resetHeapPeaks();
      LiveHeap live = LiveHeap.watch();
      for (int pass = 1; pass <= passes && notFinal > 0; pass++) {
        if (pass > 1) {
          clock.advance(settings.interval());
        }
        int before = sim.requests("/organization/usage").size();
        long t0 = System.nanoTime();
        long cpu0 = cpuTime();
        Costs costs0 = Costs.now();
        PassReport report = reconciler.pass(PassRequest.notFinal());
        double ms = (System.nanoTime() - t0) / 1e6;
        double cpuMs = (cpuTime() - cpu0) / 1e6;
        Costs costs = Costs.now().minus(costs0);
        int requests = sim.requests("/organization/usage").size() - before;
        notFinal = ledger.settlementStore().candidates(RunSelection.notFinal()).size();
        System.out.printf(
            Locale.ROOT,
            "    pass %d: %4d runs read, %d usage requests (%s), %d minutes covered,"
                + " %.0f ms (CPU of this thread %.0f ms); %d of %d runs final%n",
            pass,
            report.stats().runsRead(),
            requests,
            report.stats().requestsByEndpoint(),
            report.stats().minutesCovered(),
            ms,
            cpuMs,
            runs - notFinal,
            runs);
        System.out.printf(
            Locale.ROOT,
            "      where the wall time went: CPU of the process %.0f ms (other Java threads %.0f"
                + " ms, the simulator's among them; the rest GC and JIT threads), GC pauses %.0f ms"
                + " in %d collections%n",
            costs.processCpuNanos / 1e6,
            costs.threadCpuNanos / 1e6 - cpuMs,
            (double) costs.gcMillis,
            costs.gcCount);
      }
      System.out.printf(
          Locale.ROOT,
          "    heap: %.0f MB used before the passes, peak %.0f MB while reconciling, at most"
              + " %.0f MB in use after a collection (one JVM: the simulator's usage and the"
              + " ledger's pool included)%n",
          heapBefore / 1e6,
          heapPeak() / 1e6,
          live.stop() / 1e6);
      if (notFinal > 0) {
        System.out.printf(
            Locale.ROOT,
            "    FAILED: %d of %d runs not final after %d passes%n",
            notFinal,
            runs,
            passes);
        return false;
      }
      return report(ledger, served);
    }
  }

  /**
   * Times {@code report --by framework} (the report the command builds, without the JVM's start)
   * and checks each framework's tokens against what the simulator served its key.
   */
  private static boolean report(Ledger ledger, Map<String, TokenCounts> served) {
    ReportBuilder builder =
        new ReportBuilder(ledger, new CostCalculator(PriceFiles.defaultTable()));
    ReportQuery query = ReportQuery.by(ReportDimension.FRAMEWORK);
    Report report = null;
    double[] ms = new double[3];
    double[] cpuMs = new double[3];
    // the report bootstraps its frameworks on other threads too: the process's CPU time counts them
    double[] processMs = new double[3];
    com.sun.management.OperatingSystemMXBean process =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      long cpu0 = cpuTime();
      long process0 = process.getProcessCpuTime();
      report = builder.build(query);
      ms[i] = (System.nanoTime() - t0) / 1e6;
      cpuMs[i] = (cpuTime() - cpu0) / 1e6;
      processMs[i] = (process.getProcessCpuTime() - process0) / 1e6;
    }
    Map<String, TokenCounts> reported = new TreeMap<>();
    for (ReportRow row : report.rows()) {
      reported.put(row.key().get(0), row.tokens());
    }
    System.out.printf(
        Locale.ROOT,
        "    report --by framework: %d rows, first %.0f ms, then %.0f and %.0f ms"
            + " (CPU of this thread %.0f, %.0f and %.0f ms; of the process, GC and JIT included,"
            + " %.0f, %.0f and %.0f ms)%n",
        report.rows().size(),
        ms[0],
        ms[1],
        ms[2],
        cpuMs[0],
        cpuMs[1],
        cpuMs[2],
        processMs[0],
        processMs[1],
        processMs[2]);
    if (!reported.equals(served)) {
      System.out.printf(
          Locale.ROOT,
          "    FAILED: the report shows %s, the simulator served %s%n",
          reported,
          served);
      return false;
    }
    System.out.println("    every framework's tokens equal what the simulator served");
    return true;
  }

  /**
   * The CPU time of this thread: what a pass or a report cost on a loaded machine, where the wall
   * time counts other processes' turns (the simulator answers on threads of its own).
   */
  private static long cpuTime() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /**
   * What the whole process spent: its CPU time, the CPU time of its Java threads (GC and JIT
   * threads are not among them) and the collectors' pause time and count. The differences over a
   * pass say where wall time went that the passing thread's CPU time does not show.
   */
  private record Costs(long processCpuNanos, long threadCpuNanos, long gcMillis, long gcCount) {
    static Costs now() {
      long process =
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long threadCpu = 0;
      for (long id : threads.getAllThreadIds()) {
        threadCpu += Math.max(0, threads.getThreadCpuTime(id));
      }
      long gcMillis = 0;
      long gcCount = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        gcMillis += Math.max(0, gc.getCollectionTime());
        gcCount += Math.max(0, gc.getCollectionCount());
      }
      return new Costs(process, threadCpu, gcMillis, gcCount);
    }

    Costs minus(Costs o) {
      return new Costs(
          processCpuNanos - o.processCpuNanos,
          threadCpuNanos - o.threadCpuNanos,
          gcMillis - o.gcMillis,
          gcCount - o.gcCount);
    }
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void resetHeapPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /**
   * The most heap in use right after a collection while watching: what the passes kept alive at
   * once (the pools' peaks above count garbage not yet collected too).
   */
  private static final class LiveHeap implements NotificationListener {
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private long max;

    static LiveHeap watch() {
      LiveHeap live = new LiveHeap();
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter emitter) {
          emitter.addNotificationListener(live, null, null);
          live.emitters.add(emitter);
        }
      }
      return live;
    }

    @Override
    public synchronized void handleNotification(Notification n, Object handback) {
      if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
        return;
      }
      GcInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
      // the pools after a collection include metaspace and code: count the heap's alone
      long used = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        MemoryUsage u = info.getMemoryUsageAfterGc().get(pool.getName());
        if (pool.getType() == MemoryType.HEAP && u != null) {
          used += u.getUsed();
        }
      }
      max = Math.max(max, used);
    }

    synchronized long stop() throws Exception {
      for (NotificationEmitter e : emitters) {
        e.removeNotificationListener(this);
      }
      return max;
    }
  }

  /** The sum of the heap pools' peaks since the reset: an upper bound of the heap's peak. */
  private static long heapPeak() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
