package dev.tokenledger.openai;

import dev.tokenledger.config.ApiKey;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;

/** A fresh MockWebServer, a fake clock and a client pointed at them: one per test. */
final class MockApi implements AutoCloseable {
  static final ApiKey ADMIN_KEY = ApiKey.of("sk-admin-test-fake-key-0000000000000000wxyz");
  static final Instant NOW = Instant.parse("2024-10-09T13:17:42Z");

  final MockWebServer server = new MockWebServer();
  final FakeClock clock = new FakeClock(NOW);
  final RecordingSleeper sleeper = new RecordingSleeper(clock);

  MockApi() throws Exception {
    server.start();
  }

  String baseUrl() {
    return server.url("/v1").toString();
  }

  OpenAiAdminClient.Builder clientBuilder(ApiKey key) {
    return OpenAiAdminClient.builder()
        .baseUrl(baseUrl())
        .adminKey(key)
        .clock(clock)
        .sleeper(sleeper)
        .random(new SplittableRandom(42))
        .readTimeout(Duration.ofSeconds(5));
  }

  OpenAiAdminClient client() {
    return clientBuilder(ADMIN_KEY).build();
  }

  void enqueue(int code, String body) {
    server.enqueue(new MockResponse.Builder().code(code).body(body).build());
  }

  void enqueue(int code, String body, Headers headers) {
    server.enqueue(new MockResponse.Builder().code(code).headers(headers).body(body).build());
  }

  void enqueue(MockResponse response) {
    server.enqueue(response);
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the server received no (further) request");
    }
    return r;
  }

  static String error(String message, String type, String code) {
    return "{\"error\":{\"message\":\""
        + message
        + "\",\"type\":"
        + (type == null ? "null" : "\"" + type + "\"")
        + ",\"param\":null,\"code\":"
        + (code == null ? "null" : "\"" + code + "\"")
        + "}}";
  }

  /** A usage page of minute buckets starting at {@code first}, one completions row each. */
  static String minutePage(Instant first, int buckets, boolean hasMore, String nextPage) {
    StringBuilder sb = new StringBuilder("{\"object\":\"page\",\"data\":[");
    for (int i = 0; i < buckets; i++) {
      long s = first.getEpochSecond() + 60L * i;
      sb.append(i == 0 ? "" : ",")
          .append("{\"object\":\"bucket\",\"start_time\":")
          .append(s)
          .append(",\"end_time\":")
          .append(s + 60)
          .append(",\"results\":[{\"object\":\"organization.usage.completions.result\",")
          .append("\"input_tokens\":")
          .append(100 + i)
          .append(",\"input_cached_tokens\":10,\"output_tokens\":5,\"num_model_requests\":1,")
          .append("\"model\":\"gpt-5-mini\",\"api_key_id\":\"key_a\",\"batch\":false}]}");
    }
    sb.append("],\"has_more\":")
        .append(hasMore)
        .append(",\"next_page\":")
        .append(nextPage == null ? "null" : "\"" + nextPage + "\"")
        .append('}');
    return sb.toString();
  }

  @Override
  public void close() {
    server.close();
  }
}
