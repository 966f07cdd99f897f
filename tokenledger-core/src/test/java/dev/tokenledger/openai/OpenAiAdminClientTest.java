package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiAdminClientTest {
  private static final Instant START = Instant.parse("2024-10-09T12:17:42Z");
  private static final Instant END = Instant.parse("2024-10-09T13:17:42Z");
  private static final String MISSING_SCOPES_BODY =
      "{\"error\":{\"message\":\"You have insufficient permissions for this operation. Missing"
          + " scopes: api.usage.read. Check that you have the correct role in your organization,"
          + " and if you're using a restricted API key, that it has the necessary scopes.\","
          + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}";

  private MockApi api;
  private OpenAiAdminClient client;

  @BeforeEach
  void start() throws Exception {
    api = new MockApi();
    client = api.client();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static UsageQuery minuteQuery() {
    return UsageQuery.builder(UsageEndpoint.COMPLETIONS)
        .window(START, END)
        .width(BucketWidth.MINUTE)
        .build();
  }

  private static MockResponse reset() {
    return new MockResponse.Builder()
        .onRequestStart(new SocketEffect.CloseSocket(true, false, false))
        .build();
  }

  private List<UsageBucket> fetchAll(UsageQuery q) {
    return client.usage(q).stream().toList();
  }

  private static String onePage() {
    return MockApi.minutePage(Instant.parse("2024-10-09T12:17:00Z"), 2, false, null);
  }

  @Nested
  class Paging {
    @Test
    void threePageWindowIsFollowedToTheEndWithTheRightCursorEachTime() throws Exception {
      Instant first = Instant.parse("2024-10-09T12:17:00Z");
      String cursor1 = "page_AAA+b/c==";
      String cursor2 = "page_ZZ/+y=";
      api.enqueue(200, MockApi.minutePage(first, 25, true, cursor1));
      api.enqueue(200, MockApi.minutePage(first.plusSeconds(25 * 60), 25, true, cursor2));
      api.enqueue(200, MockApi.minutePage(first.plusSeconds(50 * 60), 11, false, null));
      UsageQuery q = minuteQuery().newBuilder().limit(25).build();

      PagedBuckets<UsageBucket> buckets = client.usage(q);
      List<UsageBucket> all = buckets.stream().toList();

      assertThat(all).hasSize(61);
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).start()).isEqualTo(first.plusSeconds(60L * i));
      }
      assertThat(buckets.stats()).isEqualTo(new RequestStats(3, 3, 0));
      RecordedRequest r1 = api.take();
      RecordedRequest r2 = api.take();
      RecordedRequest r3 = api.take();
      assertThat(r1.getUrl().queryParameter("page")).isNull();
      assertThat(r2.getUrl().queryParameter("page")).isEqualTo(cursor1);
      assertThat(r3.getUrl().queryParameter("page")).isEqualTo(cursor2);
      assertThat(r2.getTarget()).endsWith("&page=page_AAA%2Bb%2Fc%3D%3D");
      assertThat(r3.getTarget()).endsWith("&page=page_ZZ%2F%2By%3D");
      for (RecordedRequest r : List.of(r1, r2, r3)) {
        assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/organization/usage/completions");
        assertThat(r.getUrl().queryParameter("limit")).isEqualTo("25");
        assertThat(r.getUrl().queryParameter("start_time")).isEqualTo("1728476220");
      }
    }

    @Test
    void nothingIsSentUntilTheBucketsAreReadAndPagesAreFetchedOnlyWhenNeeded() throws Exception {
      Instant first = Instant.parse("2024-10-09T12:17:00Z");
      api.enqueue(200, MockApi.minutePage(first, 2, true, "next"));
      api.enqueue(200, MockApi.minutePage(first.plusSeconds(120), 1, false, null));

      PagedBuckets<UsageBucket> buckets = client.usage(minuteQuery());
      assertThat(api.server.getRequestCount()).isZero();
      Iterator<UsageBucket> it = buckets.iterator();
      it.next();
      it.next();
      assertThat(api.server.getRequestCount()).isEqualTo(1);
      assertThat(it.hasNext()).isTrue();
      assertThat(api.server.getRequestCount()).isEqualTo(2);
      it.next();
      assertThat(it.hasNext()).isFalse();
      assertThat(buckets.stats().pages()).isEqualTo(2);
    }

    @Test
    void emptyPagesInTheMiddleAreFollowedToo() {
      Instant first = Instant.parse("2024-10-09T12:17:00Z");
      api.enqueue(200, "{\"object\":\"page\",\"data\":[],\"has_more\":true,\"next_page\":\"p2\"}");
      api.enqueue(200, MockApi.minutePage(first, 1, false, null));
      assertThat(fetchAll(minuteQuery())).hasSize(1);
    }

    @Test
    void bucketsCanBeIteratedOnlyOnce() {
      api.enqueue(200, onePage());
      PagedBuckets<UsageBucket> buckets = client.usage(minuteQuery());
      assertThat(buckets.stream().count()).isEqualTo(2);
      assertThatThrownBy(buckets::iterator)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("run the query again");
    }

    @Test
    void aCursorThatRepeatsIsABadResponseNotAnEndlessLoop() {
      Instant first = Instant.parse("2024-10-09T12:17:00Z");
      api.enqueue(200, MockApi.minutePage(first, 1, true, "same"));
      api.enqueue(200, MockApi.minutePage(first, 1, true, "same"));
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              BadResponseException.class,
              e -> assertThat(e.kind()).isEqualTo(BadResponseException.Kind.UNEXPECTED_JSON))
          .hasMessageContaining("next_page repeats the cursor");
    }
  }

  @Nested
  class RequestFormat {
    @Test
    void arraysGoInBracketFormAndTheWindowIsAlignedToWholeBuckets() throws Exception {
      api.enqueue(200, onePage());
      UsageQuery q =
          minuteQuery()
              .newBuilder()
              .groupBy(Dimension.MODEL, Dimension.API_KEY_ID, Dimension.BATCH)
              .apiKeyIds("key_a", "key_b")
              .projectIds("proj 1")
              .models("gpt-5-mini")
              .batch(true)
              .build();
      fetchAll(q);

      RecordedRequest r = api.take();
      HttpUrl url = r.getUrl();
      assertThat(r.getMethod()).isEqualTo("GET");
      assertThat(url.queryParameter("start_time")).isEqualTo("1728476220"); // 12:17:00
      assertThat(url.queryParameter("end_time")).isEqualTo("1728479880"); // 13:18:00
      assertThat(url.queryParameter("bucket_width")).isEqualTo("1m");
      assertThat(url.queryParameter("limit")).isEqualTo("61");
      assertThat(url.queryParameterValues("group_by[]"))
          .containsExactly("model", "api_key_id", "batch");
      assertThat(url.queryParameterValues("api_key_ids[]")).containsExactly("key_a", "key_b");
      assertThat(url.queryParameterValues("project_ids[]")).containsExactly("proj 1");
      assertThat(url.queryParameterValues("models[]")).containsExactly("gpt-5-mini");
      assertThat(url.queryParameter("batch")).isEqualTo("true");
      assertThat(url.queryParameterNames())
          .doesNotContain("group_by", "api_key_ids", "user_ids[]", "page");
      assertThat(r.getTarget()).contains("group_by%5B%5D=model&group_by%5B%5D=api_key_id");
      assertThat(r.getHeaders().get("Authorization"))
          .isEqualTo(MockApi.ADMIN_KEY.bearerHeaderValue());
      assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
    }

    @ParameterizedTest
    @EnumSource(BucketWidth.class)
    void limitAboveTheMaximumIsRejectedBeforeAnyRequest(BucketWidth width) {
      assertThatThrownBy(
              () ->
                  client.usage(
                      UsageQuery.builder(UsageEndpoint.COMPLETIONS)
                          .window(START, END)
                          .width(width)
                          .limit(width.maxLimit() + 1)
                          .build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("limit must be between 1 and " + width.maxLimit());
      assertThat(api.server.getRequestCount()).isZero();
    }

    @Test
    void aTrailingSlashOnTheBaseUrlIsDropped() throws Exception {
      OpenAiAdminClient c =
          api.clientBuilder(MockApi.ADMIN_KEY).baseUrl(api.baseUrl() + "/").build();
      api.enqueue(200, onePage());
      c.usage(minuteQuery()).stream().count();
      assertThat(api.take().getUrl().encodedPath()).isEqualTo("/v1/organization/usage/completions");
    }

    @Test
    void aBaseUrlThatIsNotHttpIsAConfigurationError() {
      assertThatThrownBy(() -> OpenAiAdminClient.builder().baseUrl("api.openai.com/v1").build())
          .isInstanceOf(dev.tokenledger.ConfigurationException.class)
          .hasMessageContaining("'api.openai.com/v1' is not an absolute http(s) URL")
          .hasMessageContaining("OPENAI_BASE_URL");
    }
  }

  @Nested
  class Retries {
    @Test
    void rateLimitedWithRetryAfterWaitsThatLongThenSucceeds() {
      api.enqueue(
          429,
          MockApi.error("Rate limit reached", "requests", "rate_limit_exceeded"),
          Headers.of("Retry-After", "7"));
      api.enqueue(200, onePage());

      PagedBuckets<UsageBucket> buckets = client.usage(minuteQuery());
      assertThat(buckets.stream().count()).isEqualTo(2);

      assertThat(api.sleeper.waits()).containsExactly(Duration.ofSeconds(7));
      assertThat(buckets.stats()).isEqualTo(new RequestStats(1, 2, 0));
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
      api.enqueue(429, "", Headers.of("Retry-After", "7", "retry-after-ms", "1500"));
      api.enqueue(200, onePage());
      fetchAll(minuteQuery());
      assertThat(api.sleeper.waits()).containsExactly(Duration.ofMillis(1500));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 408, 409})
    void transientStatusesAreRetried(int status) {
      api.enqueue(status, MockApi.error("try again", "server_error", null));
      api.enqueue(200, onePage());
      PagedBuckets<UsageBucket> buckets = client.usage(minuteQuery());
      assertThat(buckets.stream().count()).isEqualTo(2);
      assertThat(buckets.stats().httpRequests()).isEqualTo(2);
      assertThat(api.sleeper.waits()).hasSize(1);
      assertThat(api.sleeper.waits().get(0))
          .isLessThanOrEqualTo(RetryPolicy.DEFAULT.backoffCeiling(1));
    }

    @Test
    void aResetConnectionIsRetried() {
      // The JDK client itself retries a GET once when the connection closes before any response
      // byte, so two resets in a row are needed to reach our retry.
      api.enqueue(reset());
      api.enqueue(reset());
      api.enqueue(200, onePage());
      PagedBuckets<UsageBucket> buckets = client.usage(minuteQuery());
      assertThat(buckets.stream().count()).isEqualTo(2);
      assertThat(buckets.stats().httpRequests()).isGreaterThanOrEqualTo(2);
      assertThat(api.server.getRequestCount()).isEqualTo(3);
      assertThat(api.sleeper.waits()).isNotEmpty();
    }

    @Test
    void aBodyCutOffByTheConnectionIsRetried() {
      api.enqueue(
          new MockResponse.Builder()
              .code(200)
              .body(onePage())
              .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
              .build());
      api.enqueue(200, onePage());
      PagedBuckets<UsageBucket> buckets = client.usage(minuteQuery());
      assertThat(buckets.stream().count()).isEqualTo(2);
      assertThat(buckets.stats().httpRequests()).isEqualTo(2);
    }

    @Test
    void aReadTimeoutIsRetried() {
      OpenAiAdminClient c =
          api.clientBuilder(MockApi.ADMIN_KEY).readTimeout(Duration.ofMillis(300)).build();
      api.enqueue(
          new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).body(onePage()).build());
      api.enqueue(200, onePage());
      PagedBuckets<UsageBucket> buckets = c.usage(minuteQuery());
      assertThat(buckets.stream().count()).isEqualTo(2);
      assertThat(buckets.stats().httpRequests()).isEqualTo(2);
    }

    @Test
    void retriesExhaustedKeepTheLastError() {
      for (int i = 1; i <= 6; i++) {
        api.enqueue(503, MockApi.error("overloaded " + i, "server_error", null));
      }
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              ApiUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(ApiUnavailableException.Reason.SERVER_ERROR);
                assertThat(e.attempts()).isEqualTo(6);
                assertThat(e.httpStatus()).hasValue(503);
                assertThat(e.apiError().orElseThrow().message()).isEqualTo("overloaded 6");
                assertThat(e.endpoint()).isEqualTo("/organization/usage/completions");
                assertThat(e.query()).startsWith("start_time=1728476220&end_time=1728479880");
              })
          .hasMessageContaining("gave up after 6 attempts")
          .hasMessageContaining("HTTP 503: OpenAI said: overloaded 6 (type server_error)")
          .hasMessageContaining("GET " + api.baseUrl() + "/organization/usage/completions?");
      assertThat(api.server.getRequestCount()).isEqualTo(6);
      List<Duration> waits = api.sleeper.waits();
      assertThat(waits).hasSize(5);
      for (int i = 0; i < waits.size(); i++) {
        assertThat(waits.get(i)).isLessThanOrEqualTo(RetryPolicy.DEFAULT.backoffCeiling(i + 1));
      }
    }

    @Test
    void networkFailuresExhaustedSayTheConnectionFailed() {
      OpenAiAdminClient c =
          api.clientBuilder(MockApi.ADMIN_KEY)
              .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(2))
              .build();
      for (int i = 0; i < 2; i++) {
        api.enqueue(
            new MockResponse.Builder()
                .code(200)
                .body(onePage())
                .onResponseBody(new SocketEffect.CloseSocket(true, false, false))
                .build());
      }
      assertThatThrownBy(() -> c.usage(minuteQuery()).stream().count())
          .isInstanceOfSatisfying(
              ApiUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(ApiUnavailableException.Reason.NETWORK);
                assertThat(e.attempts()).isEqualTo(2);
                assertThat(e.httpStatus()).isEmpty();
                assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
              })
          .hasMessageContaining("gave up after 2 attempts")
          .hasMessageContaining("the last one: the connection failed");
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() throws Exception {
      String deadUrl;
      try (MockApi dead = new MockApi()) {
        deadUrl = dead.baseUrl();
      }
      OpenAiAdminClient c =
          api.clientBuilder(MockApi.ADMIN_KEY)
              .baseUrl(deadUrl)
              .retryPolicy(RetryPolicy.DEFAULT.withMaxAttempts(3))
              .build();
      assertThatThrownBy(() -> c.usage(minuteQuery()).stream().count())
          .isInstanceOfSatisfying(
              ApiUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(ApiUnavailableException.Reason.NETWORK);
                assertThat(e.attempts()).isEqualTo(3);
              })
          .hasMessageContaining("could not connect to ");
      assertThat(api.sleeper.waits()).hasSize(2);
    }

    @Test
    void aRetryAfterBeyondTheDeadlineGivesUpAtOnce() {
      api.enqueue(
          429, MockApi.error("slow down", "requests", null), Headers.of("Retry-After", "600"));
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              ApiUnavailableException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(ApiUnavailableException.Reason.RATE_LIMITED);
                assertThat(e.attempts()).isEqualTo(1);
              })
          .hasMessageContaining(
              "the next retry, in 10 min as the server's Retry-After asked, would pass the 3 min"
                  + " deadline");
      assertThat(api.sleeper.waits()).isEmpty();
    }

    @Test
    void theDeadlineIsMeasuredOnTheInjectedClock() {
      OpenAiAdminClient c =
          api.clientBuilder(MockApi.ADMIN_KEY)
              .retryPolicy(
                  RetryPolicy.DEFAULT.withMaxAttempts(50).withDeadline(Duration.ofSeconds(25)))
              .build();
      for (int i = 0; i < 3; i++) {
        api.enqueue(429, "", Headers.of("Retry-After", "10"));
      }
      assertThatThrownBy(() -> c.usage(minuteQuery()).stream().count())
          .isInstanceOfSatisfying(
              ApiUnavailableException.class, e -> assertThat(e.attempts()).isEqualTo(3))
          .hasMessageContaining("over 20 s");
      assertThat(api.sleeper.waits())
          .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Test
    void quotaExhaustionIsNotRetried() {
      api.enqueue(
          429,
          MockApi.error(
              "You exceeded your current quota, please check your plan and billing details.",
              "insufficient_quota",
              "insufficient_quota"));
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              ApiUnavailableException.class,
              e -> assertThat(e.reason()).isEqualTo(ApiUnavailableException.Reason.QUOTA_EXCEEDED));
      assertThat(api.server.getRequestCount()).isEqualTo(1);
    }
  }

  @Nested
  class Errors {
    @Test
    void missingScopesIsAKeyRefusalNamingTheScope() {
      api.enqueue(401, MISSING_SCOPES_BODY);
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              KeyRefusedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(KeyRefusedException.Reason.MISSING_SCOPES);
                assertThat(e.missingScopes()).containsExactly("api.usage.read");
                assertThat(e.httpStatus()).hasValue(401);
                ApiError err = e.apiError().orElseThrow();
                assertThat(err.type()).isEqualTo("invalid_request_error");
                assertThat(err.code()).isNull();
                assertThat(err.param()).isNull();
                assertThat(err.message()).startsWith("You have insufficient permissions");
              })
          .hasMessageContaining(
              "HTTP 401: the key sk-admin-…wxyz was refused: it lacks the scope api.usage.read")
          .hasMessageContaining("/organization/usage/completions?start_time=");
      assertThat(api.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void missingScopesAsA403WithSeveralScopes() {
      api.enqueue(
          403,
          MockApi.error(
              "You have insufficient permissions for this operation. Missing scopes:"
                  + " api.usage.read, api.organization.read. Check your role.",
              "invalid_request_error",
              null));
      assertThatThrownBy(() -> client.projects())
          .isInstanceOfSatisfying(
              KeyRefusedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(KeyRefusedException.Reason.MISSING_SCOPES);
                assertThat(e.missingScopes())
                    .containsExactly("api.usage.read", "api.organization.read");
              })
          .hasMessageContaining("lacks the scopes api.usage.read, api.organization.read");
    }

    @Test
    void anIncorrectKeyIsAnInvalidKey() {
      api.enqueue(
          401,
          MockApi.error(
              "Incorrect API key provided: sk-admin-****wxyz. You can find your API key at"
                  + " https://platform.openai.com/account/api-keys.",
              "invalid_request_error",
              "invalid_api_key"));
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              KeyRefusedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(KeyRefusedException.Reason.INVALID_KEY);
                assertThat(e.missingScopes()).isEmpty();
              })
          .hasMessageContaining("OpenAI does not accept it as a valid key");
    }

    @Test
    void anInvalidKeyCodeAloneIsEnough() {
      api.enqueue(401, MockApi.error("bad key", "invalid_request_error", "invalid_api_key"));
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              KeyRefusedException.class,
              e -> assertThat(e.reason()).isEqualTo(KeyRefusedException.Reason.INVALID_KEY));
    }

    @Test
    void anotherForbiddenIsPermissionDenied() {
      api.enqueue(
          403,
          MockApi.error(
              "You are not allowed to access this organization.", "invalid_request_error", null));
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              KeyRefusedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(KeyRefusedException.Reason.PERMISSION_DENIED);
                assertThat(e.httpStatus()).hasValue(403);
              })
          .hasMessageContaining("it is not allowed to do this");
    }

    @Test
    void anotherUnauthorizedWithoutJsonIsOther() {
      api.enqueue(401, "Unauthorized");
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              KeyRefusedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(KeyRefusedException.Reason.OTHER);
                assertThat(e.apiError()).isEmpty();
              })
          .hasMessageContaining("not an OpenAI error starting with \"Unauthorized\"");
    }

    @Test
    void anHtmlPageIsABadResponseShowingItsStart() {
      api.enqueue(
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "text/html")
              .body("<html><head><title>Login</title></head><body>Sign in</body></html>")
              .build());
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              BadResponseException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(BadResponseException.Kind.HTML);
                assertThat(e.bodyStart()).startsWith("\"<html><head><title>Login");
                assertThat(e.httpStatus()).hasValue(200);
              })
          .hasMessageContaining("HTTP 200: the body is not a usage page: got an HTML page")
          .hasMessageContaining("the body starts with \"<html>");
    }

    @Test
    void aTruncatedBodyIsABadResponseSayingSo() {
      String whole = onePage();
      api.enqueue(200, whole.substring(0, whole.length() / 2));
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              BadResponseException.class,
              e -> assertThat(e.kind()).isEqualTo(BadResponseException.Kind.TRUNCATED))
          .hasMessageContaining("the JSON ends early");
    }

    @Test
    void aBadParameterIsARequestError() {
      api.enqueue(
          400,
          "{\"error\":{\"message\":\"Invalid value for 'bucket_width'.\",\"type\":"
              + "\"invalid_request_error\",\"param\":\"bucket_width\",\"code\":null}}");
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              ApiRequestException.class,
              e -> {
                assertThat(e.httpStatus()).hasValue(400);
                assertThat(e.apiError().orElseThrow().param()).isEqualTo("bucket_width");
              })
          .hasMessageContaining(
              "HTTP 400: the API rejected the request; OpenAI said: Invalid value for"
                  + " 'bucket_width'. (type invalid_request_error, param bucket_width)");
      assertThat(api.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void anUnknownPathIsARequestError() {
      api.enqueue(
          404,
          MockApi.error(
              "Invalid URL (GET /v1/organization/usage/x)", "invalid_request_error", null));
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              ApiRequestException.class, e -> assertThat(e.httpStatus()).hasValue(404));
    }

    @Test
    void aRedirectIsAnUnexpectedStatus() {
      api.enqueue(
          new MockResponse.Builder()
              .code(301)
              .setHeader("Location", "https://example.invalid/v1/organization/usage/completions")
              .build());
      assertThatThrownBy(() -> fetchAll(minuteQuery()))
          .isInstanceOfSatisfying(
              BadResponseException.class,
              e -> assertThat(e.kind()).isEqualTo(BadResponseException.Kind.UNEXPECTED_STATUS))
          .hasMessageContaining(
              "expected HTTP 200 but got 301 redirecting to https://example.invalid");
    }
  }

  @Nested
  class Tolerance {
    @Test
    void unknownFieldsAndResultTypesAreIgnoredOverHttp() {
      api.enqueue(
          200,
          "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1728476220,"
              + "\"end_time\":1728476280,\"results\":[{\"object\":\"organization.usage.decisions.result\","
              + "\"num_decisions\":1},{\"object\":\"organization.usage.completions.result\","
              + "\"input_tokens\":9,\"output_tokens\":1,\"num_model_requests\":1,"
              + "\"api_source\":\"responses\"}]}],\"has_more\":false,\"next_page\":null,\"x\":{}}");
      PagedBuckets<UsageBucket> buckets = client.usage(minuteQuery());
      List<UsageBucket> all = buckets.stream().toList();
      assertThat(all.get(0).results()).hasSize(1);
      assertThat(all.get(0).results().get(0).tokens().input()).isEqualTo(9);
      assertThat(buckets.stats().ignoredResults()).isEqualTo(1);
    }

    @Test
    void resultsWithoutAnObjectAreTakenAsTheEndpointsType() {
      api.enqueue(
          200,
          "{\"data\":[{\"start_time\":1728476220,\"end_time\":1728476280,\"results\":"
              + "[{\"images\":3,\"num_model_requests\":1}]}],\"has_more\":false}");
      List<UsageBucket> all =
          client
              .usage(
                  UsageQuery.builder(UsageEndpoint.IMAGES)
                      .window(START, END)
                      .width(BucketWidth.MINUTE)
                      .build())
              .stream()
              .toList();
      assertThat(all.get(0).results())
          .containsExactly(new UsageResult.Images(3, 1, null, null, null, null, null, null));
    }
  }

  @Nested
  class Costs {
    @Test
    void costsArePagedAndParsedAsExactDecimals() throws Exception {
      api.enqueue(
          200,
          SpecData.text("costs.example.json")
              .replace("\"has_more\": false", "\"has_more\": true")
              .replace("\"next_page\": null", "\"next_page\": \"c+2\""));
      api.enqueue(200, SpecData.text("legacy-498c71d/costs.example.json"));
      CostsQuery q =
          CostsQuery.builder()
              .window(START, END)
              .groupBy(Dimension.LINE_ITEM, Dimension.PROJECT_ID)
              .apiKeyIds("key_a")
              .build();
      PagedBuckets<CostBucket> buckets = client.costs(q);
      List<CostBucket> all = buckets.stream().toList();
      assertThat(all).hasSize(2);
      assertThat(all.get(0).results().get(0).amount()).isEqualByComparingTo("0.06");
      assertThat(buckets.stats()).isEqualTo(new RequestStats(2, 2, 0));
      RecordedRequest r1 = api.take();
      assertThat(r1.getUrl().encodedPath()).isEqualTo("/v1/organization/costs");
      assertThat(r1.getUrl().queryParameter("bucket_width")).isEqualTo("1d");
      assertThat(r1.getUrl().queryParameter("start_time")).isEqualTo("1728432000");
      assertThat(r1.getUrl().queryParameter("end_time")).isEqualTo("1728518400");
      assertThat(r1.getUrl().queryParameterValues("group_by[]"))
          .containsExactly("line_item", "project_id");
      assertThat(r1.getUrl().queryParameterValues("api_key_ids[]")).containsExactly("key_a");
      assertThat(api.take().getUrl().queryParameter("page")).isEqualTo("c+2");
    }
  }
}
