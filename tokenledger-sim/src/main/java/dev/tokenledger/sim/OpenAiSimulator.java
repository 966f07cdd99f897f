package dev.tokenledger.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tokenledger.TokenCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI stand-in on the JDK's HTTP server, bound to 127.0.0.1: model endpoints that file usage,
 * the organization Usage, Costs and project endpoints that report it after a delay, keys with
 * classes and scopes, OpenAI's error bodies, and scripted faults. Build one with {@link
 * #builder()}, register keys, {@link #start()} it, and point a client at {@link #baseUrl()}.
 */
public final class OpenAiSimulator implements AutoCloseable {
  static {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK, and every response takes 40 ms. Read once, when the first server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final SimClock clock;
  private final int requestedPort;
  private final KeyRegistry registry;
  private final UsageStore store = new UsageStore();
  private final UsageFiler filer;
  private final UsageApi usageApi;
  private final CostsApi costsApi;
  private final AdminApi adminApi;
  private final ModelApi modelApi;
  private final SimFaults faults;
  private final List<SimModel> models;
  private final List<RecordedRequest> requestLog = Collections.synchronizedList(new ArrayList<>());
  private final List<FaultGate> gatesSeen = Collections.synchronizedList(new ArrayList<>());
  private final SimExchanges exchanges = new SimExchanges();
  private final SimRouter router;
  private HttpServer server;
  private ExecutorService executor;

  private OpenAiSimulator(Builder b) {
    this.clock = b.clock != null ? b.clock : SimClock.stepped(Instant.now());
    this.requestedPort = b.port;
    this.models = List.copyOf(b.models);
    this.registry = new KeyRegistry(clock, b.seed);
    this.filer = new UsageFiler(store, b.reportingDelay, b.seed + 1, b.lateRevisions);
    this.usageApi = new UsageApi(store);
    this.costsApi = new CostsApi(store, b.pricing);
    this.adminApi = new AdminApi(registry);
    this.modelApi =
        new ModelApi(models, clock, filer, new PromptCache(b.promptCacheTtl), b.seed + 2);
    this.faults = new SimFaults(b.seed + 3);
    this.router = new SimRouter(clock, registry, modelApi, usageApi, costsApi, adminApi);
  }

  /** A builder with a stepped clock at the current instant, port 0, seed 0 and typical delay. */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ lifecycle

  /** Starts serving on 127.0.0.1; returns this. */
  public synchronized OpenAiSimulator start() {
    if (server != null) {
      throw new IllegalStateException("the simulator is already running at " + baseUrl());
    }
    try {
      server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on 127.0.0.1:" + requestedPort + " (" + e.getMessage() + ")", e);
    }
    executor = Executors.newCachedThreadPool(daemonThreads());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    return this;
  }

  /** Stops serving at once, releasing any held request; the recorded data stays readable. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    synchronized (gatesSeen) {
      gatesSeen.forEach(FaultGate::release);
    }
    server.stop(0);
    executor.shutdownNow();
    server = null;
    executor = null;
  }

  @Override
  public void close() {
    stop();
  }

  /** Whether the simulator is serving. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:54321/v1}. */
  public synchronized URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port() + "/v1");
  }

  /** The port served on. */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("the simulator is not running; call start() first");
    }
    return server.getAddress().getPort();
  }

  /** The simulation clock: step it, or read it. */
  public SimClock clock() {
    return clock;
  }

  // ------------------------------------------------------------------ organization

  /** Registers a key; unset parts (value, id, owner, creation time) are generated. */
  public SimKey register(SimKey.Builder key) {
    return registry.register(key);
  }

  /** Adds a project (or returns the existing one with that id). */
  public SimProject addProject(String id, String name) {
    return registry.addProject(id, name);
  }

  /** Every registered key, in registration order. */
  public List<SimKey> keys() {
    return registry.keys();
  }

  /** The key with id {@code keyId}. */
  public Optional<SimKey> key(String keyId) {
    return registry.byId(keyId);
  }

  /** Every project, in creation order. */
  public List<SimProject> projects() {
    return registry.projects();
  }

  /** The models served. */
  public List<SimModel> models() {
    return models;
  }

  // ------------------------------------------------------------------ faults and inspection

  /** Scripted and random faults. */
  public SimFaults faults() {
    return faults;
  }

  /** Every request received so far, in arrival order. */
  public List<RecordedRequest> requests() {
    synchronized (requestLog) {
      return List.copyOf(requestLog);
    }
  }

  /** The requests received so far whose path (relative to the base URL) starts with the prefix. */
  public List<RecordedRequest> requests(String endpointPrefix) {
    String p = SimFaults.normalize(endpointPrefix);
    List<RecordedRequest> out = new ArrayList<>();
    for (RecordedRequest r : requests()) {
      if (r.endpoint().equals(p) || r.endpoint().startsWith(p + "/")) {
        out.add(r);
      }
    }
    return out;
  }

  /** Forgets the request log. */
  public void clearRequests() {
    requestLog.clear();
  }

  /**
   * Ground truth: what the model endpoints served (and batch usage recorded), per minute, key,
   * model, tier and batch flag, visible in the Usage API or not.
   */
  public List<ServedUsage> served() {
    List<ServedUsage> out = new ArrayList<>();
    for (UsageEndpoint endpoint : List.of(UsageEndpoint.COMPLETIONS, UsageEndpoint.EMBEDDINGS)) {
      for (UsageStore.Snapshot s : store.served(endpoint)) {
        out.add(UsageFiler.served(endpoint, s));
      }
    }
    out.sort(
        (a, b) -> {
          int c = a.minute().compareTo(b.minute());
          if (c == 0) {
            c = a.apiKeyId().compareTo(b.apiKeyId());
          }
          return c == 0 ? a.model().compareTo(b.model()) : c;
        });
    return out;
  }

  /** The completions tokens served for key {@code keyId} with finish time in {@code [from, to)}. */
  public TokenCounts servedCompletions(String keyId, Instant from, Instant to) {
    TokenCounts sum = TokenCounts.ZERO;
    for (ServedUsage u : served()) {
      if (u.endpoint() == UsageEndpoint.COMPLETIONS
          && u.apiKeyId().equals(keyId)
          && !u.minute().isBefore(Instant.ofEpochSecond(UsageFiler.minuteOf(from)))
          && u.minute().isBefore(to)) {
        sum = sum.plus(u.counts());
      }
    }
    return sum;
  }

  // ------------------------------------------------------------------ filing usage directly

  /**
   * Files completions usage as if by the Batch API ({@code batch=true}, tier {@code default}),
   * finished at {@code finishedAt}; it becomes visible after the reporting delay.
   */
  public void recordBatchUsage(SimKey key, String model, Instant finishedAt, TokenCounts counts) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(counts, "counts");
    String snapshot = modelApi.snapshotOf(model);
    filer.fileCompletion(
        key, snapshot != null ? snapshot : model, "default", true, finishedAt, counts);
  }

  /**
   * Files usage on any usage endpoint, e.g. images or web search calls, which the simulator has no
   * model endpoint for. {@code fields} holds the endpoint's counters (numbers) and dimensions
   * (strings, or a boolean for {@code batch}); {@code project_id}, {@code user_id} and {@code
   * api_key_id} default to the key's. {@code key} may be null for project-only endpoints when
   * {@code project_id} is given.
   */
  public void recordUsage(
      UsageEndpoint endpoint, SimKey key, Instant finishedAt, Map<String, ?> fields) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Object[] dims = new Object[endpoint.dimensions().size()];
    long[] counts = new long[endpoint.counters().size()];
    if (key != null) {
      setIfPresent(endpoint, dims, "project_id", key.projectId());
      setIfPresent(endpoint, dims, "user_id", key.userId());
      setIfPresent(endpoint, dims, "api_key_id", key.id());
    }
    for (Map.Entry<String, ?> f : fields.entrySet()) {
      int c = endpoint.counterIndex(f.getKey());
      int d = endpoint.dimensionIndex(f.getKey());
      if (c >= 0) {
        if (!(f.getValue() instanceof Number n) || n.longValue() < 0) {
          throw new IllegalArgumentException(
              "counter " + f.getKey() + " must be a non-negative number, not " + f.getValue());
        }
        counts[c] = n.longValue();
      } else if (d >= 0) {
        dims[d] = f.getValue();
      } else {
        throw new IllegalArgumentException(
            "unknown field '"
                + f.getKey()
                + "' for "
                + endpoint.path()
                + "; expected one of "
                + endpoint.counters()
                + " or "
                + endpoint.dimensions());
      }
    }
    if (endpoint == UsageEndpoint.COMPLETIONS && dims[4] == null) {
      dims[4] = Boolean.FALSE;
    }
    filer.fileOther(endpoint, dims, counts, finishedAt);
  }

  private static void setIfPresent(UsageEndpoint e, Object[] dims, String name, Object value) {
    int i = e.dimensionIndex(name);
    if (i >= 0) {
      dims[i] = value;
    }
  }

  /**
   * A late revision: {@code extra} completions tokens are added to key {@code keyId}'s usage in the
   * minute holding {@code minute}, visible from {@code visibleAt} on, so a bucket already read
   * grows afterwards. They land on the key's first model in that minute (or the first chat model of
   * the catalogue when the minute is empty). Not counted in {@link #served()}.
   */
  public void reviseLater(String keyId, Instant minute, TokenCounts extra, Instant visibleAt) {
    SimKey key =
        registry
            .byId(keyId)
            .orElseThrow(() -> new IllegalArgumentException("no key with id " + keyId));
    long m = UsageFiler.minuteOf(minute);
    Object[] dims = null;
    for (Object[] d : store.dimsAt(UsageEndpoint.COMPLETIONS, m)) {
      if (keyId.equals(d[2])) {
        dims = d;
        break;
      }
    }
    if (dims == null) {
      String model =
          models.stream()
              .filter(x -> x.kind() != SimModel.Kind.EMBEDDING)
              .map(SimModel::snapshot)
              .findFirst()
              .orElse("gpt-4o-mini-2024-07-18");
      dims = UsageFiler.completionDims(key, model, "default", false);
    }
    filer.revise(
        UsageEndpoint.COMPLETIONS, m, dims, UsageFiler.completionCounters(extra), visibleAt);
  }

  // ------------------------------------------------------------------ HTTP

  private void handle(HttpExchange ex) throws IOException {
    Instant at = clock.instant();
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String rawQuery = rawQuery(ex);
    String keyId = null;
    Fault fault = null;
    boolean logged = false;
    try {
      byte[] body = ex.getRequestBody().readAllBytes();
      String rel = path.startsWith("/v1/") ? path.substring(3) : null;
      String keyValue = SimExchanges.bearer(ex);
      SimKey key = keyValue == null ? null : registry.byValue(keyValue).orElse(null);
      keyId = key == null ? null : key.id();
      fault = rel == null ? null : faults.take(rel, keyId);
      if (fault != null && !fault.serves()) {
        // logged before answering, so a client that got the answer finds it in the log
        logged = log(at, ex, keyId, fault.status(), fault);
        exchanges.failWith(ex, fault);
        return;
      }
      if (fault != null) {
        delay(fault);
      }
      SimResponse response;
      try {
        response = router.route(method, path, rel, rawQuery, keyValue, key, body);
      } catch (ApiError e) {
        response = SimResponse.error(e);
      }
      int status = response instanceof SimResponse.Body b ? b.status() : 200;
      logged = log(at, ex, keyId, status, fault);
      exchanges.write(ex, response, fault != null && fault.kind() == Fault.Kind.TRUNCATED_BODY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.close();
    } catch (SimExchanges.TruncatedOnPurpose e) {
      // thrown out of the handler, so the JDK server drops the connection mid-body
      throw e;
    } catch (IOException e) {
      // the client went away mid-response
      ex.close();
    } catch (RuntimeException e) {
      // a bug in the simulator: answer 500 if nothing was sent yet
      if (!logged) {
        logged = log(at, ex, keyId, 500, fault);
      }
      try {
        exchanges.sendBody(
            ex,
            SimResponse.error(
                new ApiError(
                    500,
                    "The simulator failed while processing your request: " + e,
                    "server_error",
                    null,
                    null)),
            false);
      } catch (IOException | RuntimeException ignored) {
        ex.close();
      }
    } finally {
      if (!logged) {
        log(at, ex, keyId, 0, fault);
      }
    }
  }

  private boolean log(Instant at, HttpExchange ex, String keyId, int status, Fault fault) {
    requestLog.add(
        new RecordedRequest(
            at,
            ex.getRequestMethod(),
            ex.getRequestURI().getRawPath(),
            rawQuery(ex),
            keyId,
            status,
            fault));
    return true;
  }

  private static String rawQuery(HttpExchange ex) {
    String q = ex.getRequestURI().getRawQuery();
    return q == null ? "" : q;
  }

  private void delay(Fault fault) throws InterruptedException {
    if (fault.kind() == Fault.Kind.SLOW) {
      // a real sleep, but only on the server thread and never longer than Fault.MAX_SLOW
      Thread.sleep(fault.delay().toMillis());
    } else if (fault.kind() == Fault.Kind.HOLD) {
      gatesSeen.add(fault.gate());
      if (isRunning()) {
        fault.gate().hold();
      }
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "openai-sim-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "OpenAiSimulator[" + (isRunning() ? baseUrl() : "stopped") + ", " + clock + "]";
  }

  // ------------------------------------------------------------------ builder

  /** Settings of a simulator; every one has a default. */
  public static final class Builder {
    private SimClock clock;
    private int port;
    private long seed;
    private ReportingDelay reportingDelay = ReportingDelay.typical();
    private UsageFiler.LateRevisions lateRevisions = UsageFiler.LateRevisions.NONE;
    private List<SimModel> models = SimModel.defaults();
    private SimPricing pricing = SimPricing.listPrices();
    private Duration promptCacheTtl = Duration.ofMinutes(10);

    private Builder() {}

    /** The simulation clock. Default: stepped, at the current instant. */
    public Builder clock(SimClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The port on 127.0.0.1. Default 0: any free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
      }
      this.port = port;
      return this;
    }

    /** The seed of every random choice (keys, replies, delays, random faults). Default 0. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** When usage becomes visible. Default {@link ReportingDelay#typical()}. */
    public Builder reportingDelay(ReportingDelay delay) {
      this.reportingDelay = Objects.requireNonNull(delay, "delay");
      return this;
    }

    /**
     * Random late revisions: with {@code probability}, part of a request's usage shows up on time
     * and the rest between {@code min} and {@code max} later, so an already-read bucket grows.
     * Totals stay equal to what was served. Default: none.
     */
    public Builder lateRevisions(double probability, Duration min, Duration max) {
      this.lateRevisions = new UsageFiler.LateRevisions(probability, min, max);
      return this;
    }

    /** The models served. Default {@link SimModel#defaults()}. */
    public Builder models(List<SimModel> models) {
      if (models.isEmpty()) {
        throw new IllegalArgumentException("serve at least one model");
      }
      this.models = List.copyOf(models);
      return this;
    }

    /** How the Costs API prices usage. Default {@link SimPricing#listPrices()}. */
    public Builder pricing(SimPricing pricing) {
      this.pricing = Objects.requireNonNull(pricing, "pricing");
      return this;
    }

    /** How long an unused prompt prefix stays cached. Default 10 minutes. */
    public Builder promptCacheTtl(Duration ttl) {
      this.promptCacheTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** The simulator, not yet started. */
    public OpenAiSimulator build() {
      return new OpenAiSimulator(this);
    }

    /** The simulator, started. */
    public OpenAiSimulator start() {
      return build().start();
    }
  }
}
