package dev.tokenledger.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.QuickSettling;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import dev.tokenledger.sim.SimModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated organization and a SQLite ledger on one stepped clock, for report tests: framework
 * keys make chat requests to the simulator, runs are recorded, and a reconciler settles them so the
 * ledger holds reconciled figures, as {@code tokenledger reconcile} leaves it.
 */
final class ReportLab implements AutoCloseable {
  static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");

  /** A chat model the price table does not know. */
  static final String UNKNOWN_MODEL = "acme-internal-chat";

  /** A system message of over 1,024 tokens, the prefix the prompt cache serves on a repeat. */
  private static final String BRIEF =
      "{\"role\":\"system\",\"content\":\""
          + "The library application keeps books, members, loans and fines in one ledger. "
              .repeat(80)
          + "\"},";

  final SimClock clock = SimClock.stepped(T0);
  final OpenAiSimulator sim;
  final SimKey admin;
  final Ledger ledger;
  final Path db;
  private final Map<String, SimKey> keys = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  ReportLab(Path db) {
    this.db = db;
    List<SimModel> models = new ArrayList<>(SimModel.defaults());
    models.add(SimModel.chat(UNKNOWN_MODEL, UNKNOWN_MODEL + "-2025-01-01"));
    this.sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .seed(11)
            .models(models)
            .reportingDelay(ReportingDelay.uniform(Duration.ofMinutes(1), Duration.ofMinutes(6)))
            .start();
    this.admin = sim.register(SimKey.admin("report test reader"));
    this.ledger =
        Ledger.builder(LedgerLocation.sqlite(db))
            .clock(clock)
            .heartbeatInterval(Duration.ZERO)
            .warnings(w -> {})
            .open();
  }

  /**
   * The simulated project key of {@code framework}, registered on first use with the fixed id
   * {@code key_<framework>} in project {@code proj_<framework>}.
   */
  SimKey key(String framework) {
    return keys.computeIfAbsent(
        framework,
        n -> {
          sim.addProject("proj_" + n, n + " experiments");
          return sim.register(SimKey.project(n + " runner", "proj_" + n).id("key_" + n));
        });
  }

  /** A chat completion by {@code framework} with {@code model} finishing at {@code at}. */
  void chat(String framework, Instant at, String model) {
    chat(framework, at, model, "");
  }

  /**
   * A chat completion whose prompt starts with a long project brief (over 1,024 tokens), so that a
   * repeat within minutes in the same project is served partly from the prompt cache.
   */
  void chatWithBrief(String framework, Instant at, String model) {
    chat(framework, at, model, BRIEF);
  }

  /**
   * A chat completion by {@code framework} at {@code at}, and the request a metering proxy records
   * for it in run {@code runId}'s step {@code step}: the usage its response carried.
   */
  MeteredRequest meteredChat(
      String runId, Integer step, String framework, Instant at, String model) {
    JsonNode response = chat(framework, at, model, "");
    JsonNode usage = response.path("usage");
    return new MeteredRequest(
        runId,
        step,
        null,
        key(framework).id(),
        "POST",
        "/chat/completions",
        UsageEndpoint.COMPLETIONS,
        response.path("model").asText(),
        at.minusMillis(900),
        at.plusMillis(30),
        200,
        response.path("id").asText(),
        false,
        UsageState.REPORTED,
        MeteredUsage.of(
            usage.path("prompt_tokens").asLong(),
            usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
            usage.path("completion_tokens").asLong()),
        null);
  }

  private JsonNode chat(String framework, Instant at, String model, String system) {
    if (at.isBefore(clock.instant())) {
      throw new IllegalStateException("requests must come in time order: " + at);
    }
    clock.set(at);
    String body =
        "{\"model\":\""
            + model
            + "\",\"messages\":["
            + system
            + "{\"role\":\"user\",\"content\":\"Report test request at "
            + at
            + " by "
            + framework
            + ": plan a small library application.\"}]}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/chat/completions"))
            .header("Authorization", key(framework).apiKey().bearerHeaderValue())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("the simulator answered " + response.statusCode());
      }
      return new ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void chat(String framework, Instant at) {
    chat(framework, at, "gpt-4o-mini");
  }

  /** Records a finished run of experiment {@code lab} with these steps. */
  String run(String framework, Instant start, Instant end, List<StepSpec> steps) {
    return ledger
        .recordFinishedRun(
            RunSpec.builder(framework)
                .experiment("lab")
                .apiKeyId(key(framework).id())
                .startedAt(start)
                .endedAt(end)
                .build(),
            steps)
        .runId();
  }

  String run(String framework, Instant start, Instant end) {
    return run(framework, start, end, List.of());
  }

  /** One reconcile pass over the runs not final, at the clock's time. */
  PassReport passOnce() {
    return reconciler().pass(PassRequest.notFinal());
  }

  /** Reconciles until every run is final. */
  PassReport settle() {
    return reconciler().watch(PassRequest.notFinal(), Duration.ofHours(6), clock::advance, r -> {});
  }

  private Reconciler reconciler() {
    OpenAiAdminClient client =
        OpenAiAdminClient.builder()
            .baseUrl(sim.baseUrl().toString())
            .adminKey(admin.apiKey())
            .clock(clock)
            .sleeper(clock::advance)
            .build();
    return Reconciler.builder(ledger, client).settings(QuickSettling.SETTINGS).clock(clock).build();
  }

  @Override
  public void close() {
    ledger.close();
    sim.close();
  }
}
