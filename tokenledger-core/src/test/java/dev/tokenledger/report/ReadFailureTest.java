package dev.tokenledger.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.openai.BucketWidth;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.openai.RetryPolicy;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kind of a failed read as export writes it, from the very messages the client's exceptions
 * carry (and the ledger stores): named, and never quoting the key the message shows.
 */
class ReadFailureTest {
  private static final ApiKey KEY = ApiKey.of("sk-admin-test-fake-key-0000000000000000wxyz");
  private static final Instant NOW = Instant.parse("2025-10-27T12:00:00Z");

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String error(String message, String type, String code) {
    return "{\"error\":{\"message\":\""
        + message
        + "\",\"type\":\""
        + type
        + "\",\"param\":null,\"code\":"
        + (code == null ? "null" : "\"" + code + "\"")
        + "}}";
  }

  private void answer(int times, int code, String body) {
    for (int i = 0; i < times; i++) {
      server.enqueue(new MockResponse.Builder().code(code).body(body).build());
    }
  }

  /** The message of the exception a usage read ends with, as the ledger stores it. */
  private String failedRead(String baseUrl) {
    OpenAiAdminClient client =
        OpenAiAdminClient.builder()
            .baseUrl(baseUrl)
            .adminKey(KEY)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .sleeper(d -> {})
            .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(2))
            .build();
    UsageQuery query =
        UsageQuery.builder(UsageEndpoint.COMPLETIONS)
            .window(NOW.minus(Duration.ofHours(1)), NOW)
            .width(BucketWidth.MINUTE)
            .build();
    OpenAiException e =
        catchThrowableOfType(OpenAiException.class, () -> client.usage(query).stream().toList());
    assertThat(e).as("the read should fail").isNotNull();
    return e.getMessage();
  }

  private String failedRead() {
    return failedRead(server.url("/v1").toString());
  }

  @Test
  void aKeyWithoutTheUsageScopeIsNamedButNotShown() {
    answer(
        1,
        401,
        error(
            "You have insufficient permissions for this operation. Missing scopes: api.usage.read.",
            "invalid_request_error",
            null));
    String stored = failedRead();

    assertThat(stored).contains(KEY.redacted());
    assertThat(ReadFailure.kind(stored))
        .isEqualTo(
            "the Usage API refused the usage key (HTTP 401): it lacks a scope (api.usage.read)")
        .doesNotContain(KEY.redacted())
        .doesNotContain("wxyz");
    // a read skipped after the key was refused in the same pass stores the same text, prefixed
    assertThat(ReadFailure.kind("not read: " + stored)).isEqualTo(ReadFailure.kind(stored));
  }

  @Test
  void aKeyRefusedOtherwiseKeepsItsStatus() {
    answer(1, 403, error("You are not allowed to do this.", "invalid_request_error", null));

    assertThat(ReadFailure.kind(failedRead()))
        .isEqualTo("the Usage API refused the usage key (HTTP 403)");
  }

  @Test
  void rateLimitsQuotaAndServerErrorsUntilTheRetriesRanOutAreTold() {
    answer(2, 429, error("Rate limit reached.", "requests", "rate_limit_exceeded"));
    String rateLimited = failedRead();
    assertThat(ReadFailure.kind(rateLimited))
        .isEqualTo("the Usage API rate-limited the reads until the retries ran out (HTTP 429)");
    assertThat(ReadFailure.isTransient(rateLimited)).isTrue();

    answer(1, 429, error("You exceeded your quota.", "insufficient_quota", "insufficient_quota"));
    String outOfQuota = failedRead();
    assertThat(ReadFailure.kind(outOfQuota))
        .isEqualTo("the organization is out of quota (HTTP 429)");
    assertThat(ReadFailure.isTransient(outOfQuota)).as("quota needs a person").isFalse();

    answer(2, 503, error("The server is overloaded.", "server_error", null));
    String serverError = failedRead();
    assertThat(ReadFailure.kind(serverError))
        .isEqualTo("the Usage API kept failing until the retries ran out (HTTP 503)");
    assertThat(ReadFailure.isTransient(serverError)).isTrue();
  }

  @Test
  void aRejectedRequestAndABodyThatIsNoPageAreTold() {
    answer(1, 400, error("Invalid value for group_by.", "invalid_request_error", null));
    String rejected = failedRead();
    assertThat(ReadFailure.kind(rejected))
        .isEqualTo("the Usage API rejected the request (HTTP 400)");
    assertThat(ReadFailure.isTransient(rejected)).isFalse();

    answer(1, 200, "<html><body>Sign in to continue</body></html>");
    assertThat(ReadFailure.kind(failedRead()))
        .isEqualTo(
            "the Usage API answered with something that is not a usage page (HTTP 200);"
                + " check OPENAI_BASE_URL");
  }

  @Test
  void noServerAtTheBaseUrlIsANetworkFailure() {
    String baseUrl = server.url("/v1").toString();
    server.close();

    String unreachable = failedRead(baseUrl);
    assertThat(ReadFailure.kind(unreachable))
        .isEqualTo(
            "the Usage API could not be reached (network or timeout) until the retries ran out");
    assertThat(ReadFailure.isTransient(unreachable)).isTrue();
  }

  @Test
  void aRunWithoutKeyIdAndUnknownTextsAreToldWithoutQuotingThem() {
    assertThat(
            ReadFailure.kind(
                "not read: the run has no key id (record runs with the framework key's id)"))
        .isEqualTo("the run has no key id");
    assertThat(ReadFailure.kind("something new went wrong with sk-proj-test-fake...abcd"))
        .isEqualTo("the read failed");
    assertThat(ReadFailure.kind(null)).isEqualTo("no reason was recorded");
  }
}
