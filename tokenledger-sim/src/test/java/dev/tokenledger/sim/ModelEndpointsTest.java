package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tokenledger.TokenCounts;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelEndpointsTest {
  private static final Encoding O200K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  private static final Instant T0 = Instant.parse("2024-11-03T12:00:10Z");

  private OpenAiSimulator sim;
  private SimHttp http;
  private SimKey key;

  @BeforeEach
  void start() {
    sim =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(T0))
            .reportingDelay(ReportingDelay.none())
            .seed(7)
            .start();
    http = new SimHttp(sim);
    key = sim.register(SimKey.project("chatdev", "proj_sim"));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private static Map<String, Object> chat(String model, String... userMessages) {
    List<Map<String, Object>> messages = new ArrayList<>();
    messages.add(Map.of("role", "system", "content", "You are terse."));
    for (String m : userMessages) {
      messages.add(Map.of("role", "user", "content", m));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("messages", messages);
    return body;
  }

  private static String longText(int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      sb.append(" word").append(i % 97);
    }
    return sb.toString();
  }

  @Test
  void promptTokensFollowOpenAisChatFormatWithO200kBase() throws Exception {
    JsonNode r =
        http.post(key, "/chat/completions", chat("gpt-4o-mini", "Count my tokens, please.")).json();

    int expected =
        3
            + O200K.countTokens("system")
            + O200K.countTokens("You are terse.")
            + 3
            + O200K.countTokens("user")
            + O200K.countTokens("Count my tokens, please.")
            + 3;
    JsonNode usage = r.get("usage");
    assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(expected);
    String content = r.at("/choices/0/message/content").asText();
    assertThat(usage.get("completion_tokens").asInt()).isEqualTo(O200K.countTokens(content));
    assertThat(usage.get("total_tokens").asInt())
        .isEqualTo(expected + usage.get("completion_tokens").asInt());
    assertThat(usage.at("/prompt_tokens_details/cached_tokens").asInt()).isZero();
    assertThat(usage.at("/completion_tokens_details/reasoning_tokens").asInt()).isZero();
    assertThat(r.get("object").asText()).isEqualTo("chat.completion");
    assertThat(r.get("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(r.get("service_tier").asText()).isEqualTo("default");
    assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void theSameRequestAlwaysCostsTheSame() throws Exception {
    Map<String, Object> body = chat("gpt-4o", "Deterministic?");
    JsonNode a = http.post(key, "/chat/completions", body).json();
    JsonNode b = http.post(key, "/chat/completions", body).json();

    assertThat(a.get("usage")).isEqualTo(b.get("usage"));
    assertThat(a.at("/choices/0/message/content")).isEqualTo(b.at("/choices/0/message/content"));
  }

  @Test
  void reasoningModelsReportReasoningTokensInsideCompletionTokens() throws Exception {
    JsonNode usage =
        http.post(key, "/chat/completions", chat("o4-mini", "Think.")).json().get("usage");

    int reasoning = usage.at("/completion_tokens_details/reasoning_tokens").asInt();
    assertThat(reasoning).isPositive();
    assertThat(usage.get("completion_tokens").asInt()).isGreaterThan(reasoning);
  }

  @Test
  void reasoningModelsRejectMaxTokensAndHonourMaxCompletionTokens() throws Exception {
    Map<String, Object> withMaxTokens = chat("o3-mini", "Hi");
    withMaxTokens.put("max_tokens", 10);
    SimHttp.Reply refused = http.post(key, "/chat/completions", withMaxTokens);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().at("/error/code").asText()).isEqualTo("unsupported_parameter");

    Map<String, Object> capped = chat("o3-mini", "Hi");
    capped.put("max_completion_tokens", 20);
    JsonNode r = http.post(key, "/chat/completions", capped).json();
    assertThat(r.at("/usage/completion_tokens").asInt()).isLessThanOrEqualTo(20);
    assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("length");
  }

  @Test
  void aLongPromptSeenRecentlyInTheProjectIsCachedIn128TokenSteps() throws Exception {
    Map<String, Object> first = chat("gpt-4o-mini", longText(1500), "first question");
    Map<String, Object> second = chat("gpt-4o-mini", longText(1500), "second question");

    JsonNode a = http.post(key, "/chat/completions", first).json().get("usage");
    sim.clock().advance(Duration.ofMinutes(2));
    JsonNode b = http.post(key, "/chat/completions", second).json().get("usage");

    assertThat(a.get("prompt_tokens").asInt()).isGreaterThan(1024);
    assertThat(a.at("/prompt_tokens_details/cached_tokens").asInt()).isZero();
    int cached = b.at("/prompt_tokens_details/cached_tokens").asInt();
    assertThat(cached).isGreaterThanOrEqualTo(1024).isLessThan(b.get("prompt_tokens").asInt());
    assertThat(cached % 128).isZero();

    SimKey otherProject = sim.register(SimKey.project("baes", "proj_other"));
    JsonNode c = http.post(otherProject, "/chat/completions", second).json().get("usage");
    assertThat(c.at("/prompt_tokens_details/cached_tokens").asInt()).isZero();

    sim.clock().advance(Duration.ofMinutes(30));
    JsonNode d = http.post(key, "/chat/completions", first).json().get("usage");
    assertThat(d.at("/prompt_tokens_details/cached_tokens").asInt()).isZero();
  }

  @Test
  void shortPromptsAreNeverCached() throws Exception {
    Map<String, Object> body = chat("gpt-4o-mini", longText(300));
    http.post(key, "/chat/completions", body);
    JsonNode usage = http.post(key, "/chat/completions", body).json().get("usage");

    assertThat(usage.at("/prompt_tokens_details/cached_tokens").asInt()).isZero();
  }

  @Test
  void streamingSendsChunksEndingWithDoneAndAFinalUsageChunkWhenAsked() throws Exception {
    Map<String, Object> body = chat("gpt-4o-mini", "Stream this.");
    body.put("stream", true);
    body.put("stream_options", Map.of("include_usage", true));

    SimHttp.Reply r = http.post(key, "/chat/completions", body);

    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    String[] events = r.body().split("\n\n");
    assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    StringBuilder content = new StringBuilder();
    JsonNode usage = null;
    for (int i = 0; i < events.length - 1; i++) {
      assertThat(events[i]).startsWith("data: ");
      JsonNode chunk = SimHttp.JSON.readTree(events[i].substring(6));
      assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
      assertThat(chunk.has("usage")).isTrue();
      if (!chunk.get("usage").isNull()) {
        usage = chunk.get("usage");
        assertThat(chunk.get("choices")).isEmpty();
        assertThat(i).isEqualTo(events.length - 2);
      } else {
        content.append(chunk.at("/choices/0/delta/content").asText(""));
      }
    }
    assertThat(usage).isNotNull();
    assertThat(usage.get("completion_tokens").asInt())
        .isEqualTo(O200K.countTokens(content.toString()));

    Map<String, Object> plain = chat("gpt-4o-mini", "Stream this.");
    plain.put("stream", true);
    String without = http.post(key, "/chat/completions", plain).body();
    assertThat(without).doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");

    Map<String, Object> notStreamed = chat("gpt-4o-mini", "Stream this.");
    notStreamed.put("stream_options", Map.of("include_usage", true));
    SimHttp.Reply refused = http.post(key, "/chat/completions", notStreamed);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().at("/error/param").asText()).isEqualTo("stream_options");
  }

  @Test
  void servedUsageIsFiledUnderTheSnapshotTierAndMinuteItFinished() throws Exception {
    Map<String, Object> body = chat("o4-mini", "Flex me.");
    body.put("service_tier", "flex");
    JsonNode r = http.post(key, "/chat/completions", body).json();

    assertThat(r.get("service_tier").asText()).isEqualTo("flex");
    assertThat(sim.served())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.model()).isEqualTo("o4-mini-2025-04-16");
              assertThat(u.serviceTier()).isEqualTo("flex");
              assertThat(u.batch()).isFalse();
              assertThat(u.apiKeyId()).isEqualTo(key.id());
              assertThat(u.projectId()).isEqualTo("proj_sim");
              assertThat(u.minute()).isEqualTo(Instant.parse("2024-11-03T12:00:00Z"));
              assertThat(u.counts())
                  .isEqualTo(
                      new TokenCounts(
                          r.at("/usage/prompt_tokens").asLong(),
                          0,
                          r.at("/usage/completion_tokens").asLong(),
                          1));
            });
  }

  @Test
  void anUnknownModelIsNotFound() throws Exception {
    SimHttp.Reply r = http.post(key, "/chat/completions", chat("gpt-9"));

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().at("/error/code").asText()).isEqualTo("model_not_found");
    assertThat(r.json().at("/error/message").asText())
        .isEqualTo("The model `gpt-9` does not exist or you do not have access to it.");
  }

  @Test
  void invalidJsonIsABadRequest() throws Exception {
    SimHttp.Reply r = http.post(key, "/chat/completions", "{not json");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/message").asText())
        .startsWith("We could not parse the JSON body");
  }

  @Test
  void theResponsesApiReportsInputAndOutputTokensWithDetails() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", "gpt-5-mini");
    body.put("instructions", "Be brief.");
    body.put("input", "What is a token?");
    JsonNode r = http.post(key, "/responses", body).json();

    assertThat(r.get("object").asText()).isEqualTo("response");
    assertThat(r.get("status").asText()).isEqualTo("completed");
    JsonNode usage = r.get("usage");
    int input =
        3
            + O200K.countTokens("developer")
            + O200K.countTokens("Be brief.")
            + 3
            + O200K.countTokens("user")
            + O200K.countTokens("What is a token?")
            + 3;
    assertThat(usage.get("input_tokens").asInt()).isEqualTo(input);
    assertThat(usage.at("/input_tokens_details/cached_tokens").asInt()).isZero();
    assertThat(usage.at("/output_tokens_details/reasoning_tokens").asInt()).isPositive();
    assertThat(usage.get("total_tokens").asInt())
        .isEqualTo(input + usage.get("output_tokens").asInt());
    JsonNode message = r.get("output").get(r.get("output").size() - 1);
    assertThat(message.get("type").asText()).isEqualTo("message");
    assertThat(message.at("/content/0/type").asText()).isEqualTo("output_text");
    assertThat(sim.served())
        .singleElement()
        .satisfies(u -> assertThat(u.model()).isEqualTo("gpt-5-mini-2025-08-07"));
  }

  @Test
  void aStreamedResponseEndsWithACompletedEventCarryingUsage() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", "gpt-4o-mini");
    body.put("input", List.of(Map.of("role", "user", "content", "Hello")));
    body.put("stream", true);
    String text = http.post(key, "/responses", body).body();

    String[] events = text.split("\n\n");
    assertThat(events[0]).startsWith("event: response.created\ndata: ");
    String last = events[events.length - 1];
    assertThat(last).startsWith("event: response.completed\ndata: ");
    JsonNode done = SimHttp.JSON.readTree(last.substring(last.indexOf("data: ") + 6));
    assertThat(done.at("/response/usage/output_tokens").asInt()).isPositive();
  }

  @Test
  void embeddingsCountInputTokensAndEncodeBase64AsLittleEndianFloats() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", "text-embedding-3-small");
    body.put("input", List.of("first text", "second, longer text"));
    body.put("encoding_format", "base64");
    body.put("dimensions", 256);
    JsonNode r = http.post(key, "/embeddings", body).json();

    int tokens = O200K.countTokens("first text") + O200K.countTokens("second, longer text");
    assertThat(r.at("/usage/prompt_tokens").asInt()).isEqualTo(tokens);
    assertThat(r.at("/usage/total_tokens").asInt()).isEqualTo(tokens);
    assertThat(r.get("data")).hasSize(2);
    byte[] raw = Base64.getDecoder().decode(r.at("/data/1/embedding").asText());
    assertThat(raw).hasSize(256 * 4);
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    double norm = 0;
    for (int i = 0; i < 256; i++) {
      float f = b.getFloat();
      norm += f * f;
    }
    assertThat(norm).isBetween(0.99, 1.01);
    assertThat(sim.served())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.endpoint()).isEqualTo(UsageEndpoint.EMBEDDINGS);
              assertThat(u.counts()).isEqualTo(new TokenCounts(tokens, 0, 0, 1));
            });
  }

  @Test
  void modelsAreListedByAliasAndSnapshot() throws Exception {
    JsonNode r = http.get(key, "/models").json();

    assertThat(r.get("object").asText()).isEqualTo("list");
    List<String> ids = new ArrayList<>();
    r.get("data").forEach(m -> ids.add(m.get("id").asText()));
    assertThat(ids).contains("gpt-4o-mini", "gpt-4o-mini-2024-07-18", "text-embedding-3-small");
    assertThat(http.get(key, "/models/gpt-4o").json().get("owned_by").asText()).isEqualTo("system");
  }
}
