package dev.tokenledger.costs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiAdminClient;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CostsFetcherTest {
  static final ApiKey KEY = ApiKey.of("sk-admin-test-fake-key-0000000000000000wxyz");
  static final Instant DAY = Instant.parse("2025-10-26T00:00:00Z");
  static final Instant NOW = DAY.plus(Duration.ofDays(1)).plus(Duration.ofHours(3));

  final MockWebServer server = new MockWebServer();
  CostsFetcher fetcher;

  @BeforeEach
  void start() throws Exception {
    server.start();
    OpenAiAdminClient client =
        OpenAiAdminClient.builder()
            .baseUrl(server.url("/v1").toString())
            .adminKey(KEY)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .sleeper(d -> {})
            .build();
    fetcher = new CostsFetcher(client, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static CostsRequest request() {
    return new CostsRequest(
        DAY.plus(Duration.ofHours(5)),
        NOW,
        List.of("key_chatdev"),
        List.of(),
        CostsRequest.DEFAULT_TOLERANCE);
  }

  static String costsPage() {
    return """
        {"object": "page", "has_more": false, "next_page": null, "data": [
          {"object": "bucket", "start_time": %d, "end_time": %d, "results": [
            {"object": "organization.costs.result", "amount": {"value": 0.0435, "currency": "usd"},
             "line_item": "gpt-4o-mini, output", "project_id": "proj_exp",
             "api_key_id": "key_chatdev", "quantity": 50000, "quantity_unit": "tokens"}]}]}
        """
        .formatted(DAY.getEpochSecond(), DAY.plus(Duration.ofDays(1)).getEpochSecond());
  }

  @Test
  void thePlanAsksWholeDaysWithTheGroupingsAndFiltersOfTheRequest() {
    List<ReadSpec> plan = CostsFetcher.plan(request());

    assertThat(plan)
        .extracting(ReadSpec::endpoint)
        .containsExactly("costs", "completions", "embeddings");
    assertThat(plan)
        .allSatisfy(
            s -> {
              assertThat(s.start()).isEqualTo(DAY);
              assertThat(s.end()).isEqualTo(DAY.plus(Duration.ofDays(2)));
              assertThat(s.apiKeyIds()).containsExactly("key_chatdev");
              assertThat(s.query()).contains("bucket_width=1d");
            });
    assertThat(plan.get(0).groupBy()).containsExactly("api_key_id", "line_item", "project_id");
    assertThat(plan.get(1).groupBy())
        .containsExactly("api_key_id", "project_id", "model", "batch", "service_tier");
  }

  @Test
  void aFailedReadIsHandedOverWithItsErrorBeforeTheFailureIsThrown() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body(costsPage()).build());
    server.enqueue(
        new MockResponse.Builder()
            .code(401)
            .body(
                "{\"error\":{\"message\":\"You have insufficient permissions for this operation."
                    + " Missing scopes: api.usage.read.\",\"type\":\"invalid_request_error\","
                    + "\"param\":null,\"code\":null}}")
            .build());
    List<CostsRead> handed = new ArrayList<>();

    assertThatThrownBy(() -> fetcher.fetch(request(), handed::add))
        .isInstanceOf(KeyRefusedException.class);

    assertThat(handed).hasSize(2);
    CostsRead costs = handed.get(0);
    assertThat(costs.failed()).isFalse();
    assertThat(costs.fetchedAt()).isEqualTo(NOW);
    assertThat(costs.requests().httpRequests()).isEqualTo(1);
    assertThat(costs.costBuckets().get(0).results().get(0).amount())
        .isEqualTo(new BigDecimal("0.0435"));
    CostsRead completions = handed.get(1);
    assertThat(completions.spec().endpoint()).isEqualTo("completions");
    assertThat(completions.error())
        .contains("api.usage.read")
        .doesNotContain(KEY.revealForChildProcess());
    assertThat(completions.requests().httpRequests()).isEqualTo(1);
    RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(first.getTarget()).startsWith("/v1/organization/costs?");
    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getTarget())
        .startsWith("/v1/organization/usage/completions?");
    assertThat(server.getRequestCount()).as("nothing is asked after a failure").isEqualTo(2);
  }
}
