package dev.tokenledger.bench;

import com.sun.net.httpserver.HttpServer;
import dev.tokenledger.metering.KeyIdentifier;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.proxy.MeteringProxy;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.ServedUsage;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The metering proxy's figures (tokenledger-bench/README.md): added latency at a fixed rate against
 * calling the upstream directly, added time to first byte of a stream, requests/s at saturation,
 * heap over a run, and a 100 MB response through the proxy. Run by hand:
 *
 * <pre>
 * mvn -B -q -pl tokenledger-bench -am package -DskipTests
 * java -Xmx512m -cp tokenledger-bench/target/benchmarks.jar dev.tokenledger.bench.ProxyScenario \
 *     [seconds per latency run, 20] [soak seconds, 180] [rate, 1000] [soak rate, 500]
 * </pre>
 *
 * Exits 1 when a result is wrong (recorded usage differs from what the simulator served, a request
 * failed, the 100 MB response stayed in memory); never for being slow.
 */
public final class ProxyScenario {
  private static final Instant START = Instant.parse("2025-10-27T10:00:00Z");
  private static final String CHAT =
      "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"bench %d\"}]}";
  private static final String STREAM =
      "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"s %d\"}]}";
  private static final long BIG = 100L * 1024 * 1024;

  private static final List<String> problems = new ArrayList<>();

  private ProxyScenario() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("big")) {
      bigOnly();
      return;
    }
    if (args.length > 0 && args[0].equals("soak")) {
      soakOnly(
          args.length > 1 ? Integer.parseInt(args[1]) : 600,
          args.length > 2 ? Integer.parseInt(args[2]) : 500);
      return;
    }
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int soakSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 180;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int soakRate = args.length > 3 ? Integer.parseInt(args[3]) : 500;
    System.out.printf(
        "ProxyScenario: %d s per latency run, %d s soak at %d/s, latency rate %d/s, %d cores, %s%n",
        seconds,
        soakSeconds,
        soakRate,
        rate,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + Runtime.version());
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    LoadGenerator load = new LoadGenerator(http);
    CountingSink sink = new CountingSink();
    CountingSink cannedSink = new CountingSink();
    try (OpenAiSimulator sim =
            OpenAiSimulator.builder()
                .clock(SimClock.running(START, 1))
                .reportingDelay(ReportingDelay.none())
                .start();
        Canned canned = Canned.start()) {
      SimKey direct = sim.register(SimKey.project("direct", "proj_bench"));
      SimKey metered = sim.register(SimKey.project("metered", "proj_bench"));
      String meteredValue = metered.apiKey().revealForChildProcess();
      String meteredId = metered.id();
      KeyIdentifier keys =
          k -> new KeyIdentifier.KeyRef("fp", k.equals(meteredValue) ? meteredId : null);
      try (MeteringProxy toSim =
              MeteringProxy.builder(sim.baseUrl()).sink(sink).keyIdentifier(keys).start();
          MeteringProxy toCanned =
              MeteringProxy.builder(canned.baseUrl())
                  .sink(cannedSink)
                  .keyIdentifier(keys)
                  .start()) {
        Route simulator =
            new Route("simulator", sim.baseUrl(), toSim.baseUrl("bench", 1), direct, metered);
        Route cannedRoute =
            new Route(
                "canned upstream", canned.baseUrl(), toCanned.baseUrl("bench", 1), direct, metered);

        warmUp(load, simulator, cannedRoute);

        System.out.printf("%n-- added latency at %d requests/s (non-streamed chat) --%n", rate);
        for (int round = 1; round <= 2; round++) {
          compare(load, cannedRoute, CHAT, rate, seconds, false);
        }
        int simRate = Math.min(rate, 300);
        for (int round = 1; round <= 2; round++) {
          compare(load, simulator, CHAT, simRate, seconds, false);
        }

        System.out.printf("%n-- added time to first byte of a stream (chat, usage injected) --%n");
        for (int round = 1; round <= 2; round++) {
          compare(load, cannedRoute, STREAM, 200, seconds, true);
          compare(load, simulator, STREAM, 100, seconds, true);
        }

        System.out.printf("%n-- saturation (32 clients, one request after the other) --%n");
        for (Route route : List.of(cannedRoute, simulator)) {
          LoadGenerator.Result d =
              load.saturate(route.direct(CHAT), 32, Duration.ofSeconds(seconds));
          LoadGenerator.Result p =
              load.saturate(route.proxied(CHAT), 32, Duration.ofSeconds(seconds));
          System.out.printf(
              "%-16s direct %,7.0f req/s   through the proxy %,7.0f req/s   (errors %d/%d)%n",
              route.upstream(), d.rate(), p.rate(), d.errors(), p.errors());
          check(p.errors() == 0, "saturation through the proxy had " + p.errors() + " errors");
        }

        soak(
            load,
            cannedRoute.proxiedChat(),
            metered.apiKey().bearerHeaderValue(),
            soakRate,
            soakSeconds);
        bigBody(http, toCanned, metered.apiKey().bearerHeaderValue(), cannedSink);

        // every request through the simulator's proxy, against what the simulator served
        toSim.close();
        toCanned.close();
        verify(sim, metered, sink);
      }
    }
    if (problems.isEmpty()) {
      System.out.println("\nresults correct");
      System.exit(0);
    }
    problems.forEach(p -> System.out.println("WRONG: " + p));
    System.exit(1);
  }

  /** Only the heap soak through the canned upstream, for a longer run. */
  private static void soakOnly(int seconds, int rate) throws Exception {
    CountingSink sink = new CountingSink();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (Canned canned = Canned.start();
        MeteringProxy proxy = MeteringProxy.builder(canned.baseUrl()).sink(sink).start()) {
      URI uri = URI.create(proxy.baseUrl("soak", 1) + "/chat/completions");
      soak(new LoadGenerator(http), uri, "Bearer sk-bench-soak", rate, seconds);
      proxy.close();
      System.out.printf(
          "recorded %,d requests with usage, %,d without%n",
          sink.requests.get(), sink.notReported.get());
      check(sink.notReported.get() == 0, sink.notReported.get() + " records without usage");
    }
    problems.forEach(p -> System.out.println("WRONG: " + p));
    System.exit(problems.isEmpty() ? 0 : 1);
  }

  /** Only the 100 MB response: run it with a heap smaller than the body (-Xmx48m). */
  private static void bigOnly() throws Exception {
    System.out.printf(
        "ProxyScenario big: max heap %.0f MB%n", Runtime.getRuntime().maxMemory() / 1e6);
    CountingSink sink = new CountingSink();
    try (Canned canned = Canned.start();
        MeteringProxy proxy = MeteringProxy.builder(canned.baseUrl()).sink(sink).start()) {
      bigBody(HttpClient.newHttpClient(), proxy, "Bearer sk-bench-big", sink);
    }
    problems.forEach(p -> System.out.println("WRONG: " + p));
    System.exit(problems.isEmpty() ? 0 : 1);
  }

  /**
   * One upstream called two ways: directly with the {@code direct} key, and through its proxy with
   * the {@code metered} one.
   */
  private record Route(
      String upstream, URI directChat, URI proxiedChat, SimKey direct, SimKey metered) {
    Route(String upstream, String upstreamBase, String proxyBase, SimKey direct, SimKey metered) {
      this(
          upstream,
          URI.create(upstreamBase + "/chat/completions"),
          URI.create(proxyBase + "/chat/completions"),
          direct,
          metered);
    }

    Supplier<HttpRequest> direct(String body) {
      return req(directChat, direct, body);
    }

    Supplier<HttpRequest> proxied(String body) {
      return req(proxiedChat, metered, body);
    }
  }

  private static void warmUp(LoadGenerator load, Route simulator, Route canned)
      throws InterruptedException {
    load.fixedRate(simulator.direct(CHAT), 200, Duration.ofSeconds(3));
    load.fixedRate(simulator.proxied(CHAT), 200, Duration.ofSeconds(3));
    load.fixedRate(simulator.proxied(STREAM), 100, Duration.ofSeconds(2));
    load.fixedRate(canned.direct(CHAT), 500, Duration.ofSeconds(3));
    load.fixedRate(canned.proxied(CHAT), 500, Duration.ofSeconds(3));
    load.fixedRate(canned.proxied(STREAM), 200, Duration.ofSeconds(2));
  }

  private static void compare(
      LoadGenerator load, Route route, String body, int rate, int seconds, boolean firstByte)
      throws InterruptedException {
    String upstream = route.upstream();
    LoadGenerator.Result d = load.fixedRate(route.direct(body), rate, Duration.ofSeconds(seconds));
    LoadGenerator.Result p = load.fixedRate(route.proxied(body), rate, Duration.ofSeconds(seconds));
    double d50 = firstByte ? d.firstByteMillis(0.5) : d.totalMillis(0.5);
    double d99 = firstByte ? d.firstByteMillis(0.99) : d.totalMillis(0.99);
    double p50 = firstByte ? p.firstByteMillis(0.5) : p.totalMillis(0.5);
    double p99 = firstByte ? p.firstByteMillis(0.99) : p.totalMillis(0.99);
    System.out.printf(
        "%-16s %4d/s %s  direct p50 %7.3f p99 %7.3f ms | proxy p50 %7.3f p99 %7.3f ms | added p50"
            + " %+7.3f p99 %+7.3f ms (errors %d/%d, %,d requests)%n",
        upstream,
        rate,
        firstByte ? "ttfb " : "total",
        d50,
        d99,
        p50,
        p99,
        p50 - d50,
        p99 - d99,
        d.errors(),
        p.errors(),
        p.total().length);
    check(
        p.errors() == 0,
        upstream + " at " + rate + "/s: " + p.errors() + " requests failed through the proxy");
  }

  /**
   * Heap over a run through the canned upstream: the simulator itself keeps a few hundred bytes per
   * served request (its usage slices, until the Usage API is read), which would hide the proxy's.
   */
  private static void soak(LoadGenerator load, URI uri, String bearer, int rate, int seconds)
      throws InterruptedException {
    System.out.printf(
        "%n-- heap over %d s at %d requests/s through the proxy (after a GC) --%n", seconds, rate);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    int slices = Math.max(1, seconds / 30);
    long first = 0;
    long last = 0;
    for (int i = 0; i <= slices; i++) {
      System.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      if (i == 0) {
        first = used;
      }
      last = used;
      System.out.printf("  t=%4d s heap used %6.1f MB%n", i * (seconds / slices), used / 1e6);
      if (i < slices) {
        LoadGenerator.Result r =
            load.fixedRate(req(uri, bearer, CHAT), rate, Duration.ofSeconds(seconds / slices));
        check(r.errors() == 0, "soak: " + r.errors() + " requests failed");
      }
    }
    System.out.printf("  heap change over the run: %+.1f MB%n", (last - first) / 1e6);
  }

  private static void bigBody(
      HttpClient http, MeteringProxy proxy, String bearer, CountingSink sink)
      throws IOException, InterruptedException {
    System.out.printf("%n-- a %d MB response through the proxy --%n", BIG / (1024 * 1024));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long before = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(before);
    // the allocator the proxy's channels use (Netty 4.2: the adaptive one)
    io.netty.buffer.ByteBufAllocatorMetric direct =
        ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT)
            .metric();
    long directBefore = direct.usedDirectMemory();
    AtomicLong directPeak = new AtomicLong(directBefore);
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                directPeak.accumulateAndGet(direct.usedDirectMemory(), Math::max);
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.start();
    long t0 = System.nanoTime();
    long reportedBefore = sink.requests.get();
    HttpResponse<java.io.InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(proxy.baseUrl("bench", 2) + "/big"))
                .header("Authorization", bearer)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    long bytes = 0;
    try (java.io.InputStream in = r.body()) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        bytes += n;
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    sampler.interrupt();
    System.out.printf(
        "  %,d bytes in %.2f s (%.0f MB/s); heap used before %.1f MB, peak %.1f MB (peak includes"
            + " garbage not yet collected)%n",
        bytes, secs, bytes / secs / 1e6, before / 1e6, peak.get() / 1e6);
    System.out.printf(
        "  Netty's direct memory: before %.1f MB, peak %.1f MB%n",
        directBefore / 1e6, directPeak.get() / 1e6);
    check(
        directPeak.get() - directBefore < BIG / 2,
        "the 100 MB body took " + (directPeak.get() - directBefore) / 1e6 + " MB of direct memory");
    check(bytes == Canned.bigLength(), "the 100 MB body arrived with " + bytes + " bytes");
    System.gc();
    long after = memory.getHeapMemoryUsage().getUsed();
    System.out.printf("  heap used after a GC: %.1f MB%n", after / 1e6);
    check(
        after - before < BIG / 4,
        "the 100 MB body left " + (after - before) / 1e6 + " MB on the heap");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (sink.requests.get() == reportedBefore && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    MeteredRequest last = sink.last;
    check(
        last != null
            && last.path().equals("/big")
            && last.usage() != null
            && last.usage().input() == 7,
        "the usage at the end of the 100 MB body was not read: " + last);
    System.out.printf("  usage read from its end: %s%n", last == null ? null : last.usage());
  }

  private static void verify(OpenAiSimulator sim, SimKey metered, CountingSink sink) {
    long servedInput = 0;
    long servedOutput = 0;
    long servedRequests = 0;
    for (ServedUsage s : sim.served()) {
      if (s.apiKeyId().equals(metered.id())) {
        servedInput += s.counts().input();
        servedOutput += s.counts().output();
        servedRequests += s.counts().requests();
      }
    }
    long input = sink.input.get();
    long output = sink.output.get();
    long requests = sink.requests.get();
    System.out.printf(
        "%nrecorded through the proxy to the simulator: %,d requests, %,d input, %,d output tokens;"
            + " served: %,d requests, %,d input, %,d output; records not reported: %d%n",
        requests, input, output, servedRequests, servedInput, servedOutput, sink.notReported.get());
    check(
        input == servedInput && output == servedOutput && requests == servedRequests,
        "recorded usage differs from what the simulator served");
    check(sink.notReported.get() == 0, sink.notReported.get() + " records without usage");
  }

  private static void check(boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
  }

  private static Supplier<HttpRequest> req(URI uri, SimKey key, String template) {
    return req(uri, key.apiKey().bearerHeaderValue(), template);
  }

  private static Supplier<HttpRequest> req(URI uri, String bearer, String template) {
    AtomicLong n = new AtomicLong();
    return () ->
        HttpRequest.newBuilder(uri)
            .header("Authorization", bearer)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    String.format(template, n.incrementAndGet() % 50)))
            .build();
  }

  /** Keeps sums, not records (the run makes hundreds of thousands). */
  private static final class CountingSink implements dev.tokenledger.metering.MeterSink {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong input = new AtomicLong();
    final AtomicLong output = new AtomicLong();
    final AtomicLong notReported = new AtomicLong();
    volatile MeteredRequest last;

    @Override
    public void record(MeteredRequest r) {
      last = r;
      if (r.usageState() == UsageState.REPORTED) {
        requests.incrementAndGet();
        input.addAndGet(r.usage().input());
        output.addAndGet(r.usage().output());
      } else {
        notReported.incrementAndGet();
      }
    }
  }

  /**
   * A fast upstream that answers every chat completion with one fixed body in the simulator's
   * format, so the proxy's own cost is measured at rates the simulator cannot serve on 2 cores; and
   * {@code /big}, a 100 MB JSON body with its usage at the very end.
   */
  private static final class Canned implements AutoCloseable {
    private static final byte[] CHAT_BODY =
        ("{\"id\":\"chatcmpl-canned\",\"object\":\"chat.completion\",\"created\":1761559200,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"Hello there, how can I help?\",\"refusal\":null,"
                + "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":"
                + "{\"prompt_tokens\":11,\"completion_tokens\":8,\"total_tokens\":19,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_canned\"}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] BIG_HEAD =
        "{\"object\":\"list\",\"data\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BIG_ITEM =
        "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.0123,-0.0456,0.0789,0.0012]},"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] BIG_TAIL =
        "{\"object\":\"embedding\",\"index\":1,\"embedding\":[]}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}"
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;

    private Canned(HttpServer server) {
      this.server = server;
    }

    static long bigLength() {
      long items = (BIG - BIG_HEAD.length - BIG_TAIL.length) / BIG_ITEM.length;
      return BIG_HEAD.length + items * BIG_ITEM.length + BIG_TAIL.length;
    }

    static Canned start() throws IOException {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
      s.setExecutor(
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, "canned-upstream");
                t.setDaemon(true);
                return t;
              }));
      s.createContext(
          "/",
          ex -> {
            String request = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            ex.getResponseHeaders().set("x-request-id", "req_canned");
            if (path.endsWith("/big")) {
              ex.getResponseHeaders().set("Content-Type", "application/json");
              ex.sendResponseHeaders(200, bigLength());
              try (OutputStream out = ex.getResponseBody()) {
                out.write(BIG_HEAD);
                long items = (BIG - BIG_HEAD.length - BIG_TAIL.length) / BIG_ITEM.length;
                byte[] block = new byte[BIG_ITEM.length * 1024];
                for (int i = 0; i < 1024; i++) {
                  System.arraycopy(BIG_ITEM, 0, block, i * BIG_ITEM.length, BIG_ITEM.length);
                }
                long left = items;
                while (left >= 1024) {
                  out.write(block);
                  left -= 1024;
                }
                out.write(block, 0, (int) left * BIG_ITEM.length);
                out.write(BIG_TAIL);
              }
              return;
            }
            if (request.contains("\"stream\":true")) {
              stream(ex, request.contains("\"include_usage\":true"));
              return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, CHAT_BODY.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(CHAT_BODY);
            }
          });
      s.start();
      return new Canned(s);
    }

    /** A chat completions stream as OpenAI sends it, with usage when asked for. */
    private static void stream(com.sun.net.httpserver.HttpExchange ex, boolean usage)
        throws IOException {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.sendResponseHeaders(200, 0);
      String head =
          "data: {\"id\":\"chatcmpl-canned\",\"object\":\"chat.completion.chunk\",\"created\":1761559200,"
              + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
              + "\"system_fingerprint\":\"fp_canned\",\"choices\":";
      String tail = usage ? ",\"usage\":null}\n\n" : "}\n\n";
      try (OutputStream out = ex.getResponseBody()) {
        for (String word :
            new String[] {"Hello", " there", ",", " how", " can", " I", " help", "?"}) {
          String choice =
              "[{\"index\":0,\"delta\":{\"content\":\""
                  + word
                  + "\"},\"logprobs\":null,\"finish_reason\":null}]";
          out.write((head + choice + tail).getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        if (usage) {
          out.write(
              (head
                      + "[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":8,\"total_tokens\":19}}\n\n")
                  .getBytes(StandardCharsets.UTF_8));
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      }
    }

    int port() {
      return server.getAddress().getPort();
    }

    URI baseUrl() {
      return URI.create("http://127.0.0.1:" + port() + "/v1");
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
