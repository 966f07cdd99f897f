package dev.tokenledger.cli.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.JsonSchemas;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.RecordedRequest;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import dev.tokenledger.sim.SimOwner;
import dev.tokenledger.sim.UsageEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class UsageCommandTest {
  static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  SimClock clock;
  OpenAiSimulator sim;
  SimKey admin;
  SimKey chatdev;
  SimKey baes;
  final List<CliHarness.Result> outputs = new ArrayList<>();

  @BeforeEach
  void startSimulator() {
    clock = SimClock.stepped(T0);
    sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .seed(3)
            .reportingDelay(ReportingDelay.none())
            .build()
            .start();
    admin = sim.register(SimKey.admin("usage reader"));
    sim.addProject("proj_exp", "experiments");
    chatdev = sim.register(SimKey.project("chatdev", "proj_exp"));
    baes = sim.register(SimKey.project("baes", "proj_exp"));
  }

  @AfterEach
  void noKeyEverPrinted() {
    sim.close();
    for (CliHarness.Result r : outputs) {
      for (SimKey k : List.of(admin, chatdev, baes)) {
        String raw = k.apiKey().revealForChildProcess();
        assertThat(r.out()).doesNotContain(raw);
        assertThat(r.err()).doesNotContain(raw);
      }
    }
  }

  CliHarness harness() {
    return new CliHarness(dir)
        .clock(clock)
        .env("OPENAI_BASE_URL", sim.baseUrl().toString())
        .env("OPEN_AI_KEY_ADM", admin.apiKey().revealForChildProcess())
        .env("OPENAI_API_KEY_CHATDEV", chatdev.apiKey().revealForChildProcess())
        .env("OPENAI_API_KEY_BAES", baes.apiKey().revealForChildProcess())
        .env("OPENAI_API_KEY_BAES_ID", baes.id());
  }

  CliHarness.Result run(CliHarness h, String... args) {
    CliHarness.Result r = h.run(args);
    outputs.add(r);
    return r;
  }

  CliHarness.Result run(String... args) {
    return run(harness(), args);
  }

  void record(SimKey key, String model, Instant at, long in, long cached, long out, long requests) {
    sim.recordUsage(
        UsageEndpoint.COMPLETIONS,
        key,
        at,
        Map.of(
            "model", model,
            "input_tokens", in,
            "input_cached_tokens", cached,
            "output_tokens", out,
            "num_model_requests", requests));
  }

  @Test
  void pricesGptFiveMiniLikeTheOldScriptDidButCorrectly() {
    record(chatdev, "gpt-5-mini", T0.plusSeconds(600), 12_345, 0, 5_678, 12);
    clock.set(T0.plus(Duration.ofMinutes(50)));

    CliHarness.Result r = run("usage", "--model", "gpt-5-mini");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("Querying usage for the last hour:")
        .contains("  Start: 1761558600 (2025-10-27T09:50:00Z)")
        .contains("  End:   1761562200 (2025-10-27T10:50:00Z)")
        .contains("  Model: gpt-5-mini")
        .contains("  Usage key: OPEN_AI_KEY_ADM (sk-admin-…")
        .contains("  Input tokens:  12,345   (cached 0)")
        .contains("  Output tokens: 5,678")
        .contains("  Total tokens:  18,023")
        .contains("  Requests:      12")
        .contains("  Estimated cost: $0.0144")
        .contains("    Input:  $0.0031")
        .contains("    Output: $0.0114")
        .contains("✅ Token counting works");
  }

  @Test
  void aWindowOfMoreThan1440MinutesIsFollowedToTheLastPage() {
    record(chatdev, "gpt-4o-mini", T0.plusSeconds(30), 100, 0, 10, 1);
    record(chatdev, "gpt-4o-mini", T0.plus(Duration.ofHours(24)).plusSeconds(90), 200, 50, 20, 2);
    clock.set(T0.plus(Duration.ofHours(26)));

    CliHarness.Result r =
        run(
            "usage",
            "--from",
            T0.toString(),
            "--to",
            T0.plus(Duration.ofHours(25)).toString(),
            "--bucket",
            "1m",
            "--format",
            "json");

    assertThat(r.exitCode()).isZero();
    JsonNode json = parse(r.out());
    assertThat(json.at("/totals/input_tokens").asLong()).isEqualTo(300);
    assertThat(json.at("/totals/cached_input_tokens").asLong()).isEqualTo(50);
    assertThat(json.at("/requests/pages").asInt()).isEqualTo(2);
    List<RecordedRequest> usage = sim.requests("/organization/usage/completions");
    assertThat(usage).hasSize(2);
    assertThat(usage.get(0).rawQuery()).doesNotContain("page=");
    assertThat(usage.get(1).rawQuery()).contains("page=");
  }

  @Test
  void groupsByKeyAndModelAndAlwaysAsksForModelTierAndBatch() {
    record(chatdev, "gpt-4o-mini", T0.plusSeconds(30), 1_000, 0, 100, 2);
    record(baes, "gpt-4o-mini", T0.plusSeconds(40), 2_000, 500, 200, 3);
    record(baes, "gpt-5-mini", T0.plusSeconds(70), 3_000, 0, 300, 4);
    clock.set(T0.plus(Duration.ofMinutes(30)));

    CliHarness.Result r = run("usage", "--group-by", "api_key_id");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("Groups (completions, by api_key_id):")
        .containsPattern(baes.id() + " +5,000 +500 +500 +5,500 +7 +\\$")
        .containsPattern(chatdev.id() + " +1,000 +0 +100 +1,100 +2 +\\$");
    String query = sim.requests("/organization/usage/completions").get(0).rawQuery();
    assertThat(query)
        .contains("group_by%5B%5D=api_key_id")
        .contains("group_by%5B%5D=model")
        .contains("group_by%5B%5D=batch")
        .contains("group_by%5B%5D=service_tier");
  }

  @Test
  void frameworkFilterUsesTheConfiguredKeyIdOrResolvesIt() {
    record(chatdev, "gpt-4o-mini", T0.plusSeconds(30), 1_000, 0, 100, 2);
    record(baes, "gpt-4o-mini", T0.plusSeconds(40), 2_000, 0, 200, 3);
    clock.set(T0.plus(Duration.ofMinutes(30)));

    JsonNode configured = parse(run("usage", "--framework", "baes", "--format", "json").out());
    JsonNode resolved = parse(run("usage", "--framework", "chatdev", "--format", "json").out());

    assertThat(configured.at("/totals/input_tokens").asLong()).isEqualTo(2_000);
    assertThat(configured.at("/filters/api_key_ids/0").asText()).isEqualTo(baes.id());
    assertThat(resolved.at("/totals/input_tokens").asLong()).isEqualTo(1_000);
    assertThat(resolved.at("/filters/api_key_ids/0").asText()).isEqualTo(chatdev.id());
  }

  @Test
  void anEmptyWindowSaysSoAndExitsZero() {
    clock.set(T0.plus(Duration.ofMinutes(30)));

    CliHarness.Result r = run("usage", "--since", "30m");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("No usage recorded in this window.").doesNotContain("✅");
  }

  @Test
  void anUnknownModelIsUnpricedInEveryFormatNeverZero() {
    record(chatdev, "gpt-4o-mini", T0.plusSeconds(30), 1_000_000, 0, 0, 1);
    record(chatdev, "acme-secret-model", T0.plusSeconds(40), 1_000, 0, 100, 1);
    clock.set(T0.plus(Duration.ofMinutes(30)));

    CliHarness.Result table = run("usage", "--group-by", "model");
    JsonNode json = parse(run("usage", "--group-by", "model", "--format", "json").out());
    CliHarness.Result csv = run("usage", "--group-by", "model", "--format", "csv");

    assertThat(table.out())
        .contains("Estimated cost: $0.1500  (partial: UNPRICED acme-secret-model)")
        .containsPattern("acme-secret-model .* UNPRICED");
    assertThat(json.at("/cost/status").asText()).isEqualTo("partial");
    assertThat(json.at("/cost/unpriced_models/0").asText()).isEqualTo("acme-secret-model");
    JsonNode groups = json.at("/endpoints/0/groups");
    JsonNode unknown =
        groups.get(0).at("/dimensions/model").asText().equals("acme-secret-model")
            ? groups.get(0)
            : groups.get(1);
    assertThat(unknown.at("/cost/status").asText()).isEqualTo("unpriced");
    assertThat(unknown.at("/cost/total").isNull()).isTrue();
    assertThat(csv.out())
        .containsPattern("acme-secret-model,1000,0,100,1100,1,0,0,0,0,0,0,,unpriced");
  }

  @Test
  void aProjectKeyAsUsageKeyIsRefusedWithTheScopeAndBothFixesAndNoFigures() {
    CliHarness h = harness().env("OPEN_AI_KEY_ADM", chatdev.apiKey().revealForChildProcess());

    CliHarness.Result r = run(h, "usage");

    assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_REFUSED);
    assertThat(r.out()).doesNotContain("Input tokens").doesNotContain("0");
    assertThat(r.err())
        .contains("tokenledger: warning: the usage key in OPEN_AI_KEY_ADM")
        .contains("tokenledger: error: ")
        .contains("api.usage.read")
        .contains("A project key cannot read organization usage, whatever its scopes")
        .contains("Have an organization owner create an admin key")
        .doesNotContain("grant this key");
  }

  @Test
  void aRefusedKeyInJsonModeCarriesTheErrorAndNoTotals() {
    CliHarness h = harness().env("OPEN_AI_KEY_ADM", chatdev.apiKey().revealForChildProcess());

    CliHarness.Result r = run(h, "usage", "--format", "json");

    assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_REFUSED);
    JsonNode json = parse(r.out());
    assertThat(json.has("totals")).isFalse();
    assertThat(json.at("/error/kind").asText()).isEqualTo("key_refused");
    assertThat(json.at("/error/http_status").asInt()).isEqualTo(401);
    assertThat(json.at("/error/missing_scopes/0").asText()).isEqualTo("api.usage.read");
  }

  @Test
  void anUnknownKeyIsAnInvalidKey() {
    CliHarness h =
        harness().env("OPEN_AI_KEY_ADM", "sk-admin-test-canary-0000000000000000000000000000");

    CliHarness.Result r = run(h, "usage");

    assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_REFUSED);
    assertThat(r.err()).contains("wrong, revoked, or from another organization");
    assertThat(r.err()).doesNotContain("sk-admin-test-canary-0000000000000000000000000000");
  }

  @Test
  void noUsageKeyNamesEveryVariableLookedAt() {
    CliHarness.Result r =
        run(new CliHarness(dir).env("OPENAI_BASE_URL", sim.baseUrl().toString()), "usage");

    assertThat(r.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(r.err())
        .contains("OPENAI_ADMIN_KEY")
        .contains("OPENAI_API_KEY_USAGE_TRACKING")
        .contains("OPEN_AI_KEY_ADM");
    assertThat(sim.requests()).isEmpty();
  }

  static List<Fault> recoverableFaults() {
    return List.of(
        Fault.rateLimited(2),
        Fault.serverError(500),
        Fault.serverError(502),
        Fault.serverError(503),
        Fault.connectionReset(),
        Fault.truncatedBody(),
        Fault.htmlErrorPage());
  }

  @ParameterizedTest
  @MethodSource("recoverableFaults")
  void aPassingFaultIsRetriedAndTheFiguresAreRight(Fault fault) {
    record(chatdev, "gpt-4o-mini", T0.plusSeconds(30), 1_000, 0, 100, 2);
    clock.set(T0.plus(Duration.ofMinutes(30)));
    sim.faults().onPath("/organization/usage/completions").next(1, fault);
    CliHarness h = harness();

    CliHarness.Result r = run(h, "usage", "--format", "json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(parse(r.out()).at("/totals/input_tokens").asLong()).isEqualTo(1_000);
    if (fault.kind() == Fault.Kind.CONNECTION_RESET) {
      // The JDK's HTTP client retries an idempotent GET on a reset connection by itself.
      return;
    }
    assertThat(parse(r.out()).at("/requests/http_requests").asInt()).isEqualTo(2);
    assertThat(h.waits()).hasSize(1);
    if (fault.kind() == Fault.Kind.RATE_LIMITED) {
      assertThat(h.waits().get(0)).isEqualTo(Duration.ofSeconds(2));
    }
  }

  @Test
  void retriesRunningOutIsAnApiFailureWithNoFigures() {
    record(chatdev, "gpt-4o-mini", T0.plusSeconds(30), 1_000, 0, 100, 2);
    clock.set(T0.plus(Duration.ofMinutes(30)));
    sim.faults().onPath("/organization/usage/completions").next(50, Fault.serverError(503));

    CliHarness.Result r = run("usage");

    assertThat(r.exitCode()).isEqualTo(ExitCode.API_FAILURE);
    assertThat(r.out()).doesNotContain("Input tokens");
    assertThat(r.err()).contains("503").contains("Nothing was changed");
  }

  @Test
  void badCommandLinesAreUsageErrorsBeforeAnyRequest() {
    assertThat(run("usage", "--since", "1h", "--from", T0.toString()).exitCode())
        .isEqualTo(ExitCode.USAGE);
    assertThat(run("usage", "--group-by", "colour").exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run("usage", "--bucket", "5m").exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run("usage", "--endpoint", "chat").exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run("usage", "--endpoint", "vector_stores", "--group-by", "model").exitCode())
        .isZero();
    assertThat(sim.requests("/organization/usage/completions")).isEmpty();
  }

  @Test
  void endpointAllSkipsEndpointsThatCannotApplyTheFilter() {
    sim.recordUsage(
        UsageEndpoint.EMBEDDINGS,
        chatdev,
        T0.plusSeconds(30),
        Map.of(
            "model", "text-embedding-3-small", "input_tokens", 4_000L, "num_model_requests", 2L));
    clock.set(T0.plus(Duration.ofMinutes(30)));

    JsonNode json =
        parse(
            run("usage", "--endpoint", "all", "--api-key-id", chatdev.id(), "--format", "json")
                .out());

    assertThat(json.at("/skipped_endpoints").toString())
        .contains("vector_stores")
        .contains("code_interpreter_sessions");
    assertThat(json.at("/totals/input_tokens").asLong()).isEqualTo(4_000);
    assertThat(json.at("/totals/requests").asLong()).isEqualTo(2);
  }

  @Test
  void totalsEqualWhatTheSimulatorServed() {
    record(chatdev, "gpt-4o-mini", T0.plusSeconds(30), 1_234, 200, 321, 3);
    record(baes, "gpt-4.1-mini", T0.plusSeconds(130), 4_321, 0, 123, 1);
    clock.set(T0.plus(Duration.ofMinutes(30)));

    JsonNode json = parse(run("usage", "--since", "30m", "--format", "json").out());

    TokenCounts served =
        sim.servedCompletions(chatdev.id(), T0, clock.instant())
            .plus(sim.servedCompletions(baes.id(), T0, clock.instant()));
    assertThat(json.at("/totals/input_tokens").asLong()).isEqualTo(served.input());
    assertThat(json.at("/totals/output_tokens").asLong()).isEqualTo(served.output());
    assertThat(json.at("/totals/requests").asLong()).isEqualTo(served.requests());
  }

  @Test
  void everyJsonOutputFollowsThePublishedSchema() {
    record(chatdev, "gpt-4o-mini", T0.plusSeconds(30), 1_000, 10, 100, 2);
    record(chatdev, "acme-secret-model", T0.plusSeconds(40), 1_000, 0, 100, 1);
    clock.set(T0.plus(Duration.ofMinutes(30)));
    CliHarness refused = harness().env("OPEN_AI_KEY_ADM", chatdev.apiKey().revealForChildProcess());

    List<String> outputs =
        List.of(
            run("usage", "--format", "json").out(),
            run("usage", "--group-by", "model,api_key_id", "--format", "json").out(),
            run("usage", "--endpoint", "all", "--group-by", "project_id", "--format", "json").out(),
            run("usage", "--since", "1m", "--format", "json").out(),
            run(refused, "usage", "--format", "json").out());

    for (String json : outputs) {
      assertThat(JsonSchemas.validate("usage.schema.json", json)).as(json).isEmpty();
    }
  }

  @Test
  void anUndatedModelNameFindsItsDatedSnapshotsAndSaysWhichItMatched() {
    record(chatdev, "gpt-4o-mini-2024-07-18", T0.plusSeconds(30), 1_000, 0, 100, 2);
    record(chatdev, "gpt-4o-2024-08-06", T0.plusSeconds(40), 5_000, 0, 500, 1);
    record(chatdev, "gpt-5-mini-2025-08-07", T0.plusSeconds(50), 7_000, 0, 700, 3);
    clock.set(T0.plus(Duration.ofMinutes(30)));

    CliHarness.Result undated = run("usage", "--model", "gpt-4o-mini");
    JsonNode json = parse(run("usage", "--model", "gpt-4o-mini", "--format", "json").out());
    JsonNode dated =
        parse(run("usage", "--model", "gpt-4o-mini-2024-07-18", "--format", "json").out());
    JsonNode otherSnapshot =
        parse(run("usage", "--model", "gpt-4o-mini-2030-01-01", "--format", "json").out());

    assertThat(undated.exitCode()).isZero();
    assertThat(undated.out())
        .contains(
            "  Model: gpt-4o-mini (gpt-4o-mini matched gpt-4o-mini-2024-07-18 (its dated"
                + " snapshot))")
        .contains("  Input tokens:  1,000   (cached 0)")
        .contains("  Requests:      2");
    assertThat(json.at("/totals/input_tokens").asLong()).isEqualTo(1_000);
    assertThat(json.at("/filters/models_matched/0").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(json.at("/filters/models_left_out").size()).isEqualTo(2);
    // the undated name is filtered here, after a read grouped by model: models[] takes exact names
    assertThat(sim.requests("/organization/usage/completions").get(0).rawQuery())
        .doesNotContain("models")
        .contains("group_by%5B%5D=model");
    // a dated name matches only itself, and the API filters it
    assertThat(dated.at("/totals/input_tokens").asLong()).isEqualTo(1_000);
    assertThat(sim.requests("/organization/usage/completions").get(2).rawQuery())
        .contains("models%5B%5D=gpt-4o-mini-2024-07-18");
    assertThat(otherSnapshot.at("/empty").asBoolean()).isTrue();
    assertThat(JsonSchemas.validate("usage.schema.json", json.toString())).isEmpty();
  }

  @Test
  void aModelFilterThatMatchesNothingNamesWhatTheApiRecordedInsteadOfTheDelay() {
    record(chatdev, "gpt-5-mini-2025-08-07", T0.plusSeconds(50), 7_000, 0, 700, 3);
    clock.set(T0.plus(Duration.ofMinutes(30)));

    CliHarness.Result r = run("usage", "--model", "gpt-4o-mini");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains(
            "No usage of gpt-4o-mini in this window; the Usage API recorded usage of"
                + " gpt-5-mini-2025-08-07.")
        .doesNotContain("5 to 60 minutes");
  }

  @Test
  void userIdAndBatchFilterAsTheApiDoes() {
    SimKey other =
        sim.register(
            SimKey.project("other", "proj_exp")
                .owner(SimOwner.user("user-other", "Other", "other@example.com")));
    record(other, "gpt-4o-mini-2024-07-18", T0.plusSeconds(45), 20_000, 0, 200, 3);
    record(chatdev, "gpt-4o-mini-2024-07-18", T0.plusSeconds(30), 1_000, 0, 100, 2);
    sim.recordUsage(
        UsageEndpoint.COMPLETIONS,
        chatdev,
        T0.plusSeconds(35),
        Map.of(
            "model", "gpt-4o-mini-2024-07-18",
            "batch", true,
            "input_tokens", 4_000L,
            "output_tokens", 400L,
            "num_model_requests", 4L));
    record(baes, "gpt-4o-mini-2024-07-18", T0.plusSeconds(40), 2_000, 0, 200, 3);
    clock.set(T0.plus(Duration.ofMinutes(30)));

    JsonNode chatdevUser =
        parse(run("usage", "--user-id", chatdev.userId(), "--format", "json").out());
    JsonNode batchOnly = parse(run("usage", "--batch", "true", "--format", "json").out());
    JsonNode withoutBatch = parse(run("usage", "--batch", "false", "--format", "json").out());
    CliHarness.Result table = run("usage", "--batch", "true", "--user-id", chatdev.userId());
    CliHarness.Result bad = run("usage", "--batch", "yes");

    assertThat(other.userId()).isEqualTo("user-other");
    // chatdev's and baes's keys have one owner; the other key another
    assertThat(chatdevUser.at("/totals/input_tokens").asLong()).isEqualTo(7_000);
    assertThat(chatdevUser.at("/filters/user_ids/0").asText()).isEqualTo(chatdev.userId());
    assertThat(batchOnly.at("/totals/input_tokens").asLong()).isEqualTo(4_000);
    assertThat(batchOnly.at("/filters/batch").asBoolean()).isTrue();
    assertThat(withoutBatch.at("/totals/input_tokens").asLong()).isEqualTo(23_000);
    assertThat(table.out()).contains("  Batch: Batch API only").contains("  User id: ");
    assertThat(sim.requests("/organization/usage/completions").get(0).rawQuery())
        .contains("user_ids%5B%5D=" + chatdev.userId());
    assertThat(sim.requests("/organization/usage/completions").get(1).rawQuery())
        .contains("batch=true");
    assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(JsonSchemas.validate("usage.schema.json", batchOnly.toString())).isEmpty();
  }

  @Test
  void groupByTakesTheNamesOfReportByAndTheApisSpellings() {
    record(chatdev, "gpt-4o-mini-2024-07-18", T0.plusSeconds(30), 1_000, 0, 100, 2);
    record(baes, "gpt-4o-mini-2024-07-18", T0.plusSeconds(40), 2_000, 0, 200, 3);
    clock.set(T0.plus(Duration.ofMinutes(30)));

    CliHarness.Result shortNames = run("usage", "--group-by", "key,project,user");
    CliHarness.Result apiNames = run("usage", "--group-by", "api_key_id,project_id,user_id");
    CliHarness.Result reportOnly = run("usage", "--group-by", "framework");

    assertThat(shortNames.exitCode()).isZero();
    assertThat(shortNames.out()).isEqualTo(apiNames.out());
    assertThat(shortNames.out())
        .contains("Groups (completions, by api_key_id, project_id, user_id)");
    assertThat(reportOnly.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(reportOnly.err())
        .contains("'framework' groups recorded runs: use tokenledger report --by framework")
        .contains("project, user, key, model, batch, service_tier");
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }
}
