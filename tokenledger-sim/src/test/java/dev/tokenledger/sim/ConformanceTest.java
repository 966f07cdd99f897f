package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenledger.TokenCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every usage, costs and project response validates against the schemas of OpenAI's spec, and the
 * simulator's answers to the requests behind the spec's examples have the examples' shape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {
  private static final long DAY = 1730419200L; // 2024-11-01T00:00:00Z, the spec examples' day
  private static final Instant NOW = Instant.ofEpochSecond(DAY + 18 * 3600);
  private static final Path SPEC = Path.of("src/test/resources/openai-spec");

  private OpenAiSimulator sim;
  private SimHttp http;
  private SimKey admin;
  private SimKey chatdev;
  private SimKey bot;

  @BeforeAll
  void start() {
    sim =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(NOW))
            .reportingDelay(ReportingDelay.none())
            .start();
    http = new SimHttp(sim);
    admin = sim.register(SimKey.admin("usage reader"));
    chatdev = sim.register(SimKey.project("chatdev", "proj_abc").projectName("Project example"));
    bot = sim.register(SimKey.serviceAccount("ci bot", "proj_xyz"));
    Instant t = Instant.ofEpochSecond(DAY + 3600);
    sim.recordBatchUsage(chatdev, "gpt-4o-mini", t, new TokenCounts(1000, 400, 500, 5));
    sim.recordBatchUsage(bot, "gpt-4o", t.plusSeconds(90), new TokenCounts(300, 0, 30, 1));
    sim.recordUsage(
        UsageEndpoint.EMBEDDINGS,
        chatdev,
        t,
        Map.of("input_tokens", 16, "num_model_requests", 2, "model", "text-embedding-3-small"));
    sim.recordUsage(
        UsageEndpoint.MODERATIONS,
        chatdev,
        t,
        Map.of("input_tokens", 16, "num_model_requests", 2, "model", "omni-moderation-latest"));
    sim.recordUsage(
        UsageEndpoint.IMAGES,
        chatdev,
        t,
        Map.of(
            "images",
            2,
            "num_model_requests",
            2,
            "model",
            "dall-e-3",
            "size",
            "1024x1024",
            "source",
            "image.generation"));
    sim.recordUsage(
        UsageEndpoint.AUDIO_SPEECHES,
        chatdev,
        t,
        Map.of("characters", 45, "num_model_requests", 1, "model", "tts-1"));
    sim.recordUsage(
        UsageEndpoint.AUDIO_TRANSCRIPTIONS,
        chatdev,
        t,
        Map.of("seconds", 20, "num_model_requests", 1, "model", "whisper-1"));
    sim.recordUsage(UsageEndpoint.VECTOR_STORES, chatdev, t, Map.of("usage_bytes", 1024));
    sim.recordUsage(UsageEndpoint.CODE_INTERPRETER_SESSIONS, chatdev, t, Map.of("num_sessions", 1));
    sim.recordUsage(
        UsageEndpoint.FILE_SEARCH_CALLS,
        chatdev,
        t,
        Map.of("num_requests", 2, "vector_store_id", "vs_abc"));
    sim.recordUsage(
        UsageEndpoint.WEB_SEARCH_CALLS,
        chatdev,
        t,
        Map.of(
            "num_requests",
            2,
            "num_model_requests",
            2,
            "model",
            "gpt-4o-mini-2024-07-18",
            "context_level",
            "medium"));
  }

  @AfterAll
  void stop() {
    sim.close();
  }

  private void assertValid(String document, String schema, SimHttp.Reply reply) {
    assertThat(SpecSchemas.validate(document, schema, reply.body()))
        .as("%s against %s", reply.body(), schema)
        .isEmpty();
  }

  static Stream<Arguments> usageQueries() {
    List<Arguments> out = new ArrayList<>();
    for (UsageEndpoint e : UsageEndpoint.values()) {
      List<String> groupings = new ArrayList<>();
      groupings.add("");
      groupings.add("&group_by=" + String.join("&group_by=", e.dimensions()));
      for (String d : e.dimensions()) {
        groupings.add("&group_by[]=" + d);
      }
      for (String width : List.of("1m", "1h", "1d")) {
        for (String g : groupings) {
          out.add(Arguments.of(e, "start_time=" + DAY + "&bucket_width=" + width + "&limit=3" + g));
        }
      }
      out.add(Arguments.of(e, "start_time=" + (DAY + 7) + "&end_time=" + (DAY + 3 * 86400 + 11)));
      out.add(Arguments.of(e, "start_time=" + (DAY - 86400 * 3) + "&end_time=" + DAY));
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("usageQueries")
  void everyUsageResponseMatchesTheSpec(UsageEndpoint endpoint, String query) throws Exception {
    SimHttp.Reply r = http.get(admin, endpoint.path() + "?" + query);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertValid(SpecSchemas.USAGE_COSTS, "UsageResponse", r);
  }

  @Test
  void everyUsageEndpointHasDataToCheck() throws Exception {
    for (UsageEndpoint e : UsageEndpoint.values()) {
      JsonNode page = http.get(admin, e.path() + "?start_time=" + DAY + "&limit=1").json();
      assertThat(page.at("/data/0/results")).as(e.path()).isNotEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("costQueries")
  void everyCostsResponseMatchesTheSpec(String query) throws Exception {
    SimHttp.Reply r = http.get(admin, "/organization/costs?" + query);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertValid(SpecSchemas.USAGE_COSTS, "UsageResponse", r);
  }

  static Stream<String> costQueries() {
    String s = "start_time=" + (DAY - 86400);
    return Stream.of(
        s,
        s + "&limit=1",
        s + "&group_by=line_item",
        s + "&group_by=project_id&group_by=api_key_id",
        s + "&group_by[]=line_item&group_by[]=project_id&group_by[]=api_key_id",
        s + "&api_key_ids=none",
        s + "&project_ids[]=proj_abc&group_by=line_item");
  }

  @Test
  void projectAndKeyResponsesMatchTheSpec() throws Exception {
    assertValid(
        SpecSchemas.ADMIN, "ProjectListResponse", http.get(admin, "/organization/projects"));
    assertValid(
        SpecSchemas.ADMIN,
        "ProjectListResponse",
        http.get(admin, "/organization/projects?after=proj_xyz"));
    assertValid(SpecSchemas.ADMIN, "Project", http.get(admin, "/organization/projects/proj_abc"));
    assertValid(SpecSchemas.ADMIN, "ApiKeyList", http.get(admin, "/organization/admin_api_keys"));
    assertValid(
        SpecSchemas.USAGE_COSTS,
        "ProjectApiKeyListResponse",
        http.get(admin, "/organization/projects/proj_abc/api_keys"));
    assertValid(
        SpecSchemas.USAGE_COSTS,
        "ProjectApiKeyListResponse",
        http.get(
            admin, "/organization/projects/proj_xyz/api_keys?owner_project_access=any&limit=1"));
    assertValid(
        SpecSchemas.USAGE_COSTS,
        "ProjectApiKey",
        http.get(admin, "/organization/projects/proj_xyz/api_keys/" + bot.id()));
  }

  @Test
  void errorBodiesMatchTheSpecsErrorResponse() throws Exception {
    SimKey limited = sim.register(SimKey.admin("rate limited reader"));
    sim.faults().onKey(limited.id()).next(1, Fault.rateLimited(3));
    for (SimHttp.Reply r :
        List.of(
            http.get(chatdev, "/organization/usage/completions?start_time=" + DAY),
            http.get(null, "/organization/costs?start_time=" + DAY),
            http.get(admin, "/organization/usage/completions"),
            http.get(limited, "/organization/usage/images?start_time=" + DAY),
            http.get(admin, "/organization/projects/proj_none"))) {
      assertThat(r.status()).isGreaterThanOrEqualTo(400);
      assertValid(SpecSchemas.USAGE_COSTS, "ErrorResponse", r);
    }
  }

  @ParameterizedTest
  @EnumSource(UsageEndpoint.class)
  void usageAnswersHaveTheShapeOfTheSpecExamples(UsageEndpoint e) throws Exception {
    String file =
        "usage-"
            + e.path().substring("/organization/usage/".length()).replace('_', '-')
            + ".example.json";
    JsonNode example = SimHttp.JSON.readTree(Files.readString(SPEC.resolve(file)));

    JsonNode ours = http.get(admin, e.path() + "?start_time=1730419200&limit=1").json();

    assertSameShape("$", example, ours);
  }

  @Test
  void costsAndProjectAnswersHaveTheShapeOfTheSpecExamples() throws Exception {
    assertSameShape(
        "$",
        example("costs.example.json"),
        http.get(admin, "/organization/costs?start_time=1730419200&limit=1").json());
    assertSameShape(
        "$",
        example("project-api-keys-list.example.json"),
        http.get(
                admin, "/organization/projects/proj_abc/api_keys?limit=20&owner_project_access=any")
            .json());
    assertSameShape(
        "$",
        example("project-api-key-retrieve.example.json"),
        http.get(admin, "/organization/projects/proj_abc/api_keys/" + chatdev.id()).json());
    assertSameShape(
        "$",
        example("attribution/projects-list.example.json"),
        http.get(admin, "/organization/projects?limit=20&include_archived=false").json());
    assertSameShape(
        "$",
        example("attribution/project-retrieve.example.json"),
        http.get(admin, "/organization/projects/proj_abc").json());
  }

  private static JsonNode example(String name) throws Exception {
    return SimHttp.JSON.readTree(Files.readString(SPEC.resolve(name)));
  }

  /** Same keys at every level; arrays compare their first elements when both have one. */
  private static void assertSameShape(String path, JsonNode expected, JsonNode actual) {
    if (expected.isObject()) {
      assertThat(actual.isObject()).as(path + " is an object").isTrue();
      assertThat(new TreeSet<>(names(actual)))
          .as(path + " keys")
          .isEqualTo(new TreeSet<>(names(expected)));
      for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!expected.get(f).isNull() && !actual.get(f).isNull()) {
          assertSameShape(path + "." + f, expected.get(f), actual.get(f));
        }
      }
    } else if (expected.isArray()) {
      assertThat(actual.isArray()).as(path + " is an array").isTrue();
      if (!expected.isEmpty()) {
        assertThat(actual).as(path + " is not empty").isNotEmpty();
        assertSameShape(path + "[0]", expected.get(0), actual.get(0));
      }
    } else {
      assertThat(actual.getNodeType()).as(path + " type").isEqualTo(expected.getNodeType());
    }
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
