package dev.tokenledger.cli.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.ProvenanceStore;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.ledger.UsageStore;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.QuickSettling;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.ServedUsage;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A simulated OpenAI organization and a ledger on one stepped clock, for reconcile tests: framework
 * keys that make real chat and embedding requests to the simulator, runs recorded into the ledger,
 * and the simulator's ground truth to compare figures with.
 */
final class SimLab implements AutoCloseable {
  static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  final SimClock clock = SimClock.stepped(T0);
  final OpenAiSimulator sim;
  final SimKey admin;
  final Ledger ledger;
  private final Map<String, SimKey> keys = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Ledger> others = new ArrayList<>();
  private final LedgerLocation location;

  SimLab(LedgerLocation location, ReportingDelay delay) {
    this(location, delay, b -> b);
  }

  /** A lab whose simulator is built with {@code more} too (late revisions, another seed, …). */
  SimLab(
      LedgerLocation location, ReportingDelay delay, UnaryOperator<OpenAiSimulator.Builder> more) {
    this.location = location;
    this.sim =
        more.apply(OpenAiSimulator.builder().clock(clock).seed(11).reportingDelay(delay)).start();
    this.admin = sim.register(SimKey.admin("reconcile test reader"));
    this.ledger = openLedger();
  }

  /** Another ledger instance on the same database (another reconciler's). */
  Ledger openLedger() {
    Ledger l =
        Ledger.builder(location)
            .clock(clock)
            .heartbeatInterval(Duration.ZERO)
            .warnings(w -> {})
            .open();
    others.add(l);
    return l;
  }

  /** The key of framework {@code name}, registered on first use in its own project. */
  SimKey key(String name) {
    return keys.computeIfAbsent(
        name,
        n -> {
          sim.addProject("proj_" + n, n + " experiments");
          return sim.register(SimKey.project(n + " runner", "proj_" + n));
        });
  }

  String keyId(String framework) {
    return key(framework).id();
  }

  /** A request a framework made, with the model and usage its response named. */
  record Call(String framework, Instant at, String model, TokenCounts counts) {}

  /** Every request made so far, in time order. */
  final List<Call> calls = new ArrayList<>();

  /** A chat completion by {@code framework} finishing at {@code at}; its usage as answered. */
  TokenCounts chat(String framework, Instant at, String model) {
    JsonNode response =
        post(
            framework,
            at,
            "/chat/completions",
            "{\"model\":\""
                + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Request at "
                + at
                + " by "
                + framework
                + ": write the next part of a small library application with books, authors and"
                + " loans, and explain each decision briefly.\"}]}");
    JsonNode usage = response.path("usage");
    TokenCounts counts =
        new TokenCounts(
            usage.path("prompt_tokens").asLong(),
            usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
            usage.path("completion_tokens").asLong(),
            1);
    calls.add(new Call(framework, at, response.path("model").asText(), counts));
    return counts;
  }

  TokenCounts chat(String framework, Instant at) {
    return chat(framework, at, "gpt-4o-mini");
  }

  /** An embeddings request by {@code framework} finishing at {@code at}. */
  TokenCounts embed(String framework, Instant at) {
    JsonNode response =
        post(
            framework,
            at,
            "/embeddings",
            "{\"model\":\"text-embedding-3-small\",\"input\":\"books, authors and loans of a"
                + " small library at "
                + at
                + "\"}");
    return new TokenCounts(response.path("usage").path("prompt_tokens").asLong(), 0, 0, 1);
  }

  private JsonNode post(String framework, Instant at, String path, String body) {
    if (at.isBefore(clock.instant())) {
      throw new IllegalStateException("requests must come in time order: " + at);
    }
    clock.set(at);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
            .header("Authorization", key(framework).apiKey().bearerHeaderValue())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("the simulator answered " + response.statusCode());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Records a finished run of {@code framework} from the first to the last of {@code bounds}, with
   * one step between each two consecutive bounds (none when only a start and an end are given).
   */
  String run(String framework, Instant... bounds) {
    List<StepSpec> steps = new ArrayList<>();
    for (int i = 0; i + 1 < bounds.length && bounds.length > 2; i++) {
      steps.add(new StepSpec(i + 1, "step " + (i + 1), bounds[i], bounds[i + 1], 0));
    }
    return runWithSteps(framework, bounds[0], bounds[bounds.length - 1], steps);
  }

  String runWithSteps(String framework, Instant start, Instant end, List<StepSpec> steps) {
    return ledger
        .recordFinishedRun(
            RunSpec.builder(framework)
                .experiment("lab")
                .apiKeyId(keyId(framework))
                .startedAt(start)
                .endedAt(end)
                .build(),
            steps)
        .runId();
  }

  /**
   * Records the chat requests {@code framework} made in {@code [from, to)} as run {@code runId}'s
   * local per-request counts, as a metering proxy would.
   */
  void recordLocal(String runId, String framework, Instant from, Instant to) {
    List<UsageStore.RequestUsage> local = new ArrayList<>();
    for (Call c : calls) {
      if (c.framework().equals(framework) && !c.at().isBefore(from) && c.at().isBefore(to)) {
        local.add(
            new UsageStore.RequestUsage(
                runId, null, "chat.completions", c.model(), c.at(), c.counts()));
      }
    }
    ledger.usageStore().recordRequestUsage("test-proxy", local);
  }

  /** A client for the simulator whose retry waits move the simulated clock. */
  OpenAiAdminClient client() {
    return OpenAiAdminClient.builder()
        .baseUrl(sim.baseUrl().toString())
        .adminKey(admin.apiKey())
        .clock(clock)
        .sleeper(clock::advance)
        .build();
  }

  Reconciler reconciler() {
    return reconciler(ledger, QuickSettling.SETTINGS);
  }

  Reconciler reconciler(Ledger on, ReconcileSettings settings) {
    return Reconciler.builder(on, client()).settings(settings).clock(clock).build();
  }

  /** Passes every interval until no run can move on, for at most {@code timeout}. */
  PassReport settle(Reconciler reconciler, PassRequest request, Duration timeout) {
    return reconciler.watch(request, timeout, clock::advance, r -> {});
  }

  PassReport settle() {
    return settle(reconciler(), PassRequest.notFinal(), Duration.ofHours(6));
  }

  /**
   * Ground truth: completions and embeddings the simulator served for {@code keyId} in the minutes
   * from the one holding {@code from} up to {@code to} (exclusive).
   */
  TokenCounts served(String keyId, Instant from, Instant to) {
    Instant first = Instant.ofEpochSecond(Math.floorDiv(from.getEpochSecond(), 60) * 60);
    TokenCounts sum = TokenCounts.ZERO;
    for (ServedUsage u : sim.served()) {
      if (u.apiKeyId().equals(keyId) && !u.minute().isBefore(first) && u.minute().isBefore(to)) {
        sum = sum.plus(u.counts());
      }
    }
    return sum;
  }

  /** Everything the simulator served for {@code keyId}. */
  TokenCounts served(String keyId) {
    return served(keyId, Instant.EPOCH, Instant.MAX);
  }

  /** The run's figures as the ledger holds them now (its latest successful attempt). */
  TokenCounts figures(String runId) {
    ProvenanceStore.Reconciliation r = ledger.provenanceStore().reconciliation(runId).orElseThrow();
    return r.figuresFrom() == null ? null : r.figuresFrom().counts();
  }

  ProvenanceStore.Reconciliation reconciliation(String runId) {
    return ledger.provenanceStore().reconciliation(runId).orElseThrow();
  }

  /** The usage requests the simulator received on {@code endpoint}. */
  long usageRequests(UsageEndpoint endpoint) {
    return sim.requests("/organization/usage/" + endpoint.wireName()).size();
  }

  @Override
  public void close() {
    others.forEach(Ledger::close);
    sim.close();
  }
}
