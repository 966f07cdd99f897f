package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tokenledger.config.ApiKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A canary admin key, echoed back by the server in every way a misbehaving server or proxy could,
 * must never appear in an exception's message, toString, stack trace, error fields or excerpt.
 */
class CanaryKeyTest {
  private static final String CANARY = "sk-admin-test-canary-0123456789abcdefghijklmnopqrstuvwx";
  private static final String CANARY_FRAMEWORK = "sk-proj-test-canary-framework-9876543210zyxw";
  private static final ApiKey ADMIN = ApiKey.of(CANARY);
  private static final ApiKey FRAMEWORK = ApiKey.of(CANARY_FRAMEWORK);

  private MockApi api;
  private OpenAiAdminClient client;

  @BeforeEach
  void start() throws Exception {
    api = new MockApi();
    client =
        api.clientBuilder(ADMIN)
            .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(2))
            .readTimeout(Duration.ofMillis(300))
            .build();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static UsageQuery query() {
    return UsageQuery.builder(UsageEndpoint.COMPLETIONS)
        .window(MockApi.NOW.minusSeconds(3600), MockApi.NOW)
        .width(BucketWidth.MINUTE)
        .apiKeyIds("key_a")
        .build();
  }

  private static String errorWithKey(String key) {
    return "{\"error\":{\"message\":\"Incorrect API key provided: "
        + key
        + ". Missing scopes: api.usage.read.\",\"type\":\""
        + key
        + "\",\"param\":\""
        + key
        + "\",\"code\":\""
        + key
        + "\"}}";
  }

  /** Runs {@code call}, expects an OpenAiException, and checks every text it offers. */
  private OpenAiException assertNoKeyIn(Consumer<OpenAiAdminClient> call) {
    Throwable t = catchThrowable(() -> call.accept(client));
    assertThat(t).isInstanceOf(OpenAiException.class);
    OpenAiException e = (OpenAiException) t;
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    StringBuilder all =
        new StringBuilder()
            .append(e.getMessage())
            .append(e)
            .append(trace)
            .append(e.apiError().map(ApiError::toString).orElse(""))
            .append(e.call());
    if (e instanceof BadResponseException b) {
      all.append(b.bodyStart());
    }
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(c);
    }
    for (String secret : new String[] {CANARY, CANARY_FRAMEWORK}) {
      assertThat(all.toString())
          .as("exception text of %s", e.getClass().getSimpleName())
          .doesNotContain(secret)
          .doesNotContain(secret.substring(0, secret.length() - 4));
    }
    return e;
  }

  private void usage() {
    client.usage(query()).stream().count();
  }

  private void enqueueTwice(Function<Integer, MockResponse> response) {
    api.enqueue(response.apply(1));
    api.enqueue(response.apply(2));
  }

  @Test
  void missingScopesAndInvalidKeyMessagesEchoingTheKey() {
    api.enqueue(401, errorWithKey(CANARY));
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(KeyRefusedException.class);
    api.enqueue(403, errorWithKey(CANARY));
    assertThat(assertNoKeyIn(OpenAiAdminClient::projects)).isInstanceOf(KeyRefusedException.class);
    api.enqueue(401, "Unauthorized: " + CANARY);
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(KeyRefusedException.class);
  }

  @Test
  void requestErrorsEchoingTheKey() {
    api.enqueue(400, errorWithKey(CANARY));
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(ApiRequestException.class);
    api.enqueue(404, "<html>" + CANARY + "</html>");
    assertThat(assertNoKeyIn(c -> c.projectApiKeys("proj_1")))
        .isInstanceOf(ApiRequestException.class);
  }

  @Test
  void exhaustedRetriesEchoingTheKey() {
    enqueueTwice(i -> new MockResponse.Builder().code(500).body(errorWithKey(CANARY)).build());
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(ApiUnavailableException.class);
    enqueueTwice(i -> new MockResponse.Builder().code(502).body("<h1>" + CANARY + "</h1>").build());
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(ApiUnavailableException.class);
    api.enqueue(429, errorWithKey(CANARY), Headers.of("Retry-After", "3600"));
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(ApiUnavailableException.class);
    api.enqueue(
        429, "{\"error\":{\"message\":\"" + CANARY + "\",\"type\":\"insufficient_quota\"}}");
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(ApiUnavailableException.class);
  }

  @Test
  void networkFailuresAndTimeouts() {
    enqueueTwice(
        i ->
            new MockResponse.Builder()
                .body(errorWithKey(CANARY))
                .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
                .build());
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(ApiUnavailableException.class);
    enqueueTwice(
        i ->
            new MockResponse.Builder()
                .headersDelay(2, TimeUnit.SECONDS)
                .body(errorWithKey(CANARY))
                .build());
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(ApiUnavailableException.class);
  }

  @Test
  void badBodiesHoldingTheKey() {
    api.enqueue(200, "<!doctype html><p>" + CANARY + "</p>");
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(BadResponseException.class);
    api.enqueue(200, CANARY + " is not json");
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(BadResponseException.class);
    api.enqueue(200, "{\"object\":\"page\",\"data\":[{\"start_time\":\"" + CANARY);
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(BadResponseException.class);
    api.enqueue(
        200,
        "{\"data\":[{\"start_time\":0,\"end_time\":60,\"results\":[{\"object\":"
            + "\"organization.usage.completions.result\",\"input_tokens\":\""
            + CANARY
            + "\"}]}]}");
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(BadResponseException.class);
    api.enqueue(200, "x".repeat(190) + CANARY);
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(BadResponseException.class);
    api.enqueue(200, "{\"data\":" + CANARY + "}");
    assertThat(assertNoKeyIn(OpenAiAdminClient::projects)).isInstanceOf(BadResponseException.class);
    api.enqueue(
        new MockResponse.Builder()
            .code(302)
            .setHeader("Location", "https://example.invalid/login?key=" + CANARY)
            .body(CANARY)
            .build());
    assertThat(assertNoKeyIn(c -> usage())).isInstanceOf(BadResponseException.class);
  }

  @Test
  void theFrameworkKeyUsedForModelsIsScrubbedToo() {
    api.enqueue(401, errorWithKey(CANARY_FRAMEWORK));
    assertThat(assertNoKeyIn(c -> c.listModels(FRAMEWORK)))
        .isInstanceOf(KeyRefusedException.class)
        .hasMessageContaining(FRAMEWORK.redacted());
    api.enqueue(200, "<html>" + CANARY_FRAMEWORK + CANARY + "</html>");
    assertThat(assertNoKeyIn(c -> c.listModels(FRAMEWORK)))
        .isInstanceOf(BadResponseException.class);
  }

  @Test
  void aKeyThatCannotBeAHeaderValueIsNeverQuotedInTheError() {
    for (String bad : new String[] {"\n", "\u200B", "\u0000", "é"}) {
      String key = "sk-admin-test-canary-0123456789" + bad + "abcdefghijklmnopqrstuvwx";
      OpenAiAdminClient broken = api.clientBuilder(ApiKey.of(key)).build();
      Throwable t = catchThrowable(() -> broken.usage(query()).stream().count());
      assertThat(t).isInstanceOf(dev.tokenledger.ConfigurationException.class);
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      assertThat(t.getMessage() + t + trace)
          .doesNotContain("Bearer")
          .doesNotContain("0123456789")
          .doesNotContain("abcdefghijklmnop")
          .contains("sk-admin-…");
      Throwable listing = catchThrowable(() -> client.listModels(ApiKey.of(key)));
      assertThat(listing).isInstanceOf(dev.tokenledger.ConfigurationException.class);
      assertThat(listing.getMessage()).doesNotContain("Bearer").doesNotContain("0123456789");
    }
  }
}
