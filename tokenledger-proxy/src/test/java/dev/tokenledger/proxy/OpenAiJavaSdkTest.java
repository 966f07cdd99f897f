package dev.tokenledger.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.metering.KeyIdentifier;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.ServedUsage;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK, pointed at the proxy's tagged base URL, against the simulator: what
 * the SDK sees is what it would see without the proxy, and what the proxy records is what the
 * simulator served.
 */
class OpenAiJavaSdkTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:05Z");

  private OpenAiSimulator sim;
  private SimKey key;
  private MeteringProxy proxy;
  private final RecordingSink sink = new RecordingSink();
  private OpenAIClient client;

  @BeforeEach
  void start() {
    SimClock clock = SimClock.stepped(T0);
    sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .seed(11)
            .reportingDelay(ReportingDelay.none())
            .start();
    key = sim.register(SimKey.project("chatdev", "proj_sdk"));
    String keyValue = key.apiKey().revealForChildProcess();
    String keyId = key.id();
    proxy =
        MeteringProxy.builder(sim.baseUrl())
            .clock(clock)
            .sink(sink)
            .keyIdentifier(k -> new KeyIdentifier.KeyRef("fp", k.equals(keyValue) ? keyId : null))
            .start();
    client =
        OpenAIOkHttpClient.builder()
            .apiKey(keyValue)
            .baseUrl(proxy.baseUrl("run-sdk", 1).toString())
            .maxRetries(0)
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    proxy.close();
    sim.close();
  }

  private static ChatCompletionCreateParams.Builder chat(String text) {
    return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(text);
  }

  @Test
  void everyKindOfCallIsRecordedExactlyAsTheSimulatorServedIt() throws Exception {
    ChatCompletion plain = client.chat().completions().create(chat("Say hello").build());
    List<ChatCompletionChunk> withoutUsage = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s =
        client.chat().completions().createStreaming(chat("Stream a greeting").build())) {
      s.stream().forEach(withoutUsage::add);
    }
    List<ChatCompletionChunk> withUsage = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s =
        client
            .chat()
            .completions()
            .createStreaming(
                chat("Stream with usage")
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                    .build())) {
      s.stream().forEach(withUsage::add);
    }
    Response response =
        client
            .responses()
            .create(ResponseCreateParams.builder().model("gpt-4o-mini").input("Hi").build());
    List<ResponseStreamEvent> events = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> s =
        client
            .responses()
            .createStreaming(
                ResponseCreateParams.builder().model("gpt-4.1-mini").input("Stream it").build())) {
      s.stream().forEach(events::add);
    }
    CreateEmbeddingResponse embedding =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model("text-embedding-3-small")
                    .input("the quick brown fox")
                    .build());
    proxy.close();
    List<MeteredRequest> records = sink.all();

    // what the SDK saw: no usage chunk it did not ask for, the one it asked for
    assertThat(withoutUsage).isNotEmpty().allSatisfy(c -> assertThat(c.choices()).isNotEmpty());
    assertThat(withoutUsage).allSatisfy(c -> assertThat(c.usage()).isEmpty());
    ChatCompletionChunk last = withUsage.get(withUsage.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage()).isPresent();
    assertThat(events).anySatisfy(e -> assertThat(e.isCompleted()).isTrue());

    // what the proxy recorded
    assertThat(records).hasSize(6);
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.runId()).isEqualTo("run-sdk");
              assertThat(r.stepIndex()).isEqualTo(1);
              assertThat(r.apiKeyId()).isEqualTo(key.id());
              assertThat(r.usageState()).isEqualTo(UsageState.REPORTED);
              assertThat(r.httpStatus()).isEqualTo(200);
              assertThat(r.requestId()).startsWith("req_sim");
            });
    assertThat(records.get(0).usage().input()).isEqualTo(plain.usage().get().promptTokens());
    assertThat(records.get(0).usage().output()).isEqualTo(plain.usage().get().completionTokens());
    assertThat(records.get(1).streamed()).isTrue();
    assertThat(records.get(2).usage().output()).isEqualTo(last.usage().get().completionTokens());
    assertThat(records.get(3).usage().input()).isEqualTo(response.usage().get().inputTokens());
    assertThat(records.get(4).model()).isEqualTo("gpt-4.1-mini-2025-04-14");
    assertThat(records.get(5).endpoint()).isEqualTo(UsageEndpoint.EMBEDDINGS);
    assertThat(records.get(5).usage().input()).isEqualTo(embedding.usage().promptTokens());

    // and it equals what the simulator served, per endpoint and model
    for (ServedUsage served : sim.served()) {
      TokenCounts metered = TokenCounts.ZERO;
      for (MeteredRequest r : records) {
        boolean embeddings = served.endpoint() == dev.tokenledger.sim.UsageEndpoint.EMBEDDINGS;
        if (r.endpoint().path().equals(served.endpoint().path())
            && r.model().equals(served.model())) {
          TokenCounts c = r.usage().counts();
          metered = metered.plus(embeddings ? new TokenCounts(c.input(), 0, 0, 1) : c);
        }
      }
      assertThat(metered).as(served.endpoint() + " " + served.model()).isEqualTo(served.counts());
    }
    assertThat(sim.served()).hasSize(3);
  }

  @Test
  void rateLimitsAndServerErrorsReachTheSdkAsTheyWould() throws Exception {
    sim.faults().onPath("/chat/completions").next(1, Fault.rateLimited(3));
    sim.faults().onPath("/chat/completions").next(1, Fault.serverError(500));

    assertThatThrownBy(() -> client.chat().completions().create(chat("a").build()))
        .isInstanceOf(RateLimitException.class)
        .satisfies(
            e ->
                assertThat(((RateLimitException) e).headers().values("retry-after"))
                    .containsExactly("3"));
    assertThatThrownBy(() -> client.chat().completions().create(chat("b").build()))
        .isInstanceOf(InternalServerException.class);
    proxy.close();

    List<MeteredRequest> records = sink.all();
    assertThat(records).extracting(MeteredRequest::httpStatus).containsExactly(429, 500);
    assertThat(records).allSatisfy(r -> assertThat(r.usageState()).isEqualTo(UsageState.NONE));
    assertThat(sim.served()).isEmpty();
  }

  @Test
  void aStreamTheUpstreamCutsIsRecordedInterrupted() throws Exception {
    sim.faults().onPath("/chat/completions").next(1, Fault.truncatedBody());

    assertThatThrownBy(
            () -> {
              try (StreamResponse<ChatCompletionChunk> s =
                  client.chat().completions().createStreaming(chat("cut me").build())) {
                s.stream().forEach(c -> Optional.ofNullable(c));
              }
            })
        .isInstanceOf(RuntimeException.class);
    proxy.close();

    MeteredRequest r = sink.all().get(0);
    assertThat(r.usageState()).isEqualTo(UsageState.INTERRUPTED);
    assertThat(r.usage()).isNull();
    assertThat(r.streamed()).isTrue();
  }
}
