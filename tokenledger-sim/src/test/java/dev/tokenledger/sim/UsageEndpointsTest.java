package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenledger.TokenCounts;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UsageEndpointsTest {
  private static final Instant DAY = Instant.parse("2024-11-01T00:00:00Z");
  private static final long D0 = DAY.getEpochSecond();

  private OpenAiSimulator sim;
  private SimHttp http;
  private SimKey admin;
  private SimKey chatdev;
  private SimKey baes;

  private void start(ReportingDelay delay, Instant now) {
    sim = OpenAiSimulator.builder().clock(SimClock.stepped(now)).reportingDelay(delay).start();
    http = new SimHttp(sim);
    admin = sim.register(SimKey.admin("usage reader"));
    chatdev = sim.register(SimKey.project("chatdev", "proj_a"));
    baes = sim.register(SimKey.serviceAccount("baes", "proj_b"));
  }

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private void batch(SimKey key, String model, Instant at, long in, long cached, long out) {
    sim.recordBatchUsage(key, model, at, new TokenCounts(in, cached, out, 1));
  }

  private JsonNode usage(String query) throws Exception {
    SimHttp.Reply r = http.get(admin, "/organization/usage/completions?" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static long sum(JsonNode page, String field) {
    long s = 0;
    for (JsonNode b : page.get("data")) {
      for (JsonNode r : b.get("results")) {
        s += r.get(field).asLong();
      }
    }
    return s;
  }

  @Test
  void startTimeIsRequired() throws Exception {
    start(ReportingDelay.none(), DAY.plus(Duration.ofDays(2)));

    SimHttp.Reply r = http.get(admin, "/organization/usage/completions?bucket_width=1d");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/error/param").asText()).isEqualTo("start_time");
    assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void dailyBucketsAreUtcAlignedWithTheFirstAndLastClippedAndEmptyOnesKept() throws Exception {
    Instant now = DAY.plus(Duration.ofDays(3)).plusSeconds(3723);
    start(ReportingDelay.none(), now);
    batch(chatdev, "gpt-4o-mini", DAY.plus(Duration.ofHours(13)), 100, 0, 10);

    JsonNode page = usage("start_time=" + (D0 + 3600 * 12));

    JsonNode data = page.get("data");
    assertThat(data).hasSize(4);
    assertThat(data.get(0).get("start_time").asLong()).isEqualTo(D0 + 3600 * 12);
    assertThat(data.get(0).get("end_time").asLong()).isEqualTo(D0 + 86400);
    assertThat(data.get(1).get("start_time").asLong()).isEqualTo(D0 + 86400);
    assertThat(data.get(3).get("end_time").asLong()).isEqualTo(now.getEpochSecond());
    assertThat(data.get(0).get("results")).hasSize(1);
    assertThat(data.get(1).get("results")).isEmpty();
    assertThat(data.get(0).get("object").asText()).isEqualTo("bucket");
    assertThat(page.get("has_more").asBoolean()).isFalse();
    assertThat(page.get("next_page").isNull()).isTrue();
  }

  @Test
  void limitsHaveTheSpecsDefaultsAndMaximaPerWidth() throws Exception {
    start(ReportingDelay.none(), DAY.plus(Duration.ofDays(60)));

    assertThat(usage("start_time=" + D0).get("data")).hasSize(7);
    assertThat(usage("start_time=" + D0 + "&bucket_width=1h").get("data")).hasSize(24);
    assertThat(usage("start_time=" + D0 + "&bucket_width=1m").get("data")).hasSize(60);
    assertThat(usage("start_time=" + D0 + "&bucket_width=1m&limit=1440").get("data")).hasSize(1440);
    for (String q :
        List.of(
            "bucket_width=1d&limit=32",
            "bucket_width=1h&limit=169",
            "bucket_width=1m&limit=1441",
            "limit=0")) {
      SimHttp.Reply r =
          http.get(admin, "/organization/usage/completions?start_time=" + D0 + "&" + q);
      assertThat(r.status()).as(q).isEqualTo(400);
      assertThat(r.json().at("/error/param").asText()).isEqualTo("limit");
    }
    SimHttp.Reply width =
        http.get(admin, "/organization/usage/completions?start_time=" + D0 + "&bucket_width=5m");
    assertThat(width.status()).isEqualTo(400);
  }

  @Test
  void pagesFollowAnOpaqueBase64CursorThatMustBeUrlEncoded() throws Exception {
    start(ReportingDelay.none(), DAY.plus(Duration.ofDays(1)));
    for (int m = 0; m < 150; m += 7) {
      batch(chatdev, "gpt-4o-mini", DAY.plus(Duration.ofMinutes(m)), 10, 0, 1);
    }
    String query =
        "start_time=" + D0 + "&end_time=" + (D0 + 150 * 60) + "&bucket_width=1m&limit=60";

    List<JsonNode> pages = new ArrayList<>();
    JsonNode page = usage(query);
    pages.add(page);
    while (page.get("has_more").asBoolean()) {
      String cursor = page.get("next_page").asText();
      assertThat(cursor).startsWith("page_").contains("+", "/", "=");
      page = usage(query + "&page=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      pages.add(page);
    }

    assertThat(pages).hasSize(3);
    assertThat(pages.get(1).at("/data/0/start_time").asLong()).isEqualTo(D0 + 60 * 60);
    assertThat(pages.get(2).get("data")).hasSize(30);
    long requests = pages.stream().mapToLong(p -> sum(p, "num_model_requests")).sum();
    assertThat(requests).isEqualTo(22);

    String cursor = pages.get(0).get("next_page").asText();
    SimHttp.Reply raw =
        http.get(admin, "/organization/usage/completions?" + query + "&page=" + cursor);
    assertThat(raw.status()).isEqualTo(400);
    assertThat(raw.json().at("/error/param").asText()).isEqualTo("page");
    SimHttp.Reply other =
        http.get(
            admin,
            "/organization/usage/completions?"
                + query
                + "&group_by=model&page="
                + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    assertThat(other.status()).isEqualTo(400);
  }

  @Test
  void bothArrayFormsGroupAndFilterAlikeAndUngroupedDimensionsAreNull() throws Exception {
    start(ReportingDelay.none(), DAY.plus(Duration.ofDays(1)));
    Instant t = DAY.plus(Duration.ofMinutes(5));
    batch(chatdev, "gpt-4o-mini", t, 100, 20, 10);
    batch(chatdev, "gpt-4o", t, 200, 0, 20);
    batch(baes, "gpt-4o-mini", t, 300, 0, 30);
    String base = "start_time=" + D0 + "&end_time=" + (D0 + 86400);

    JsonNode repeated = usage(base + "&group_by=api_key_id&group_by=model");
    JsonNode brackets = usage(base + "&group_by[]=api_key_id&group_by%5B%5D=model");
    assertThat(repeated).isEqualTo(brackets);
    JsonNode rows = repeated.at("/data/0/results");
    assertThat(rows).hasSize(3);
    for (JsonNode r : rows) {
      assertThat(r.get("api_key_id").isTextual()).isTrue();
      assertThat(r.get("model").isTextual()).isTrue();
      assertThat(r.get("project_id").isNull()).isTrue();
      assertThat(r.get("batch").isNull()).isTrue();
      assertThat(r.get("service_tier").isNull()).isTrue();
      assertThat(r.get("user_id").isNull()).isTrue();
    }

    JsonNode filtered =
        usage(base + "&api_key_ids[]=" + chatdev.id() + "&models=gpt-4o-mini-2024-07-18");
    JsonNode only = filtered.at("/data/0/results/0");
    assertThat(filtered.at("/data/0/results")).hasSize(1);
    assertThat(only.get("input_tokens").asLong()).isEqualTo(100);
    assertThat(only.get("input_cached_tokens").asLong()).isEqualTo(20);
    assertThat(only.get("input_uncached_tokens").asLong()).isEqualTo(80);
    assertThat(only.get("input_text_tokens").asLong()).isEqualTo(80);
    assertThat(only.get("input_cached_text_tokens").asLong()).isEqualTo(20);
    assertThat(only.get("output_text_tokens").asLong()).isEqualTo(10);
    assertThat(only.get("api_key_id").isNull()).isTrue();

    assertThat(sum(usage(base + "&project_ids=proj_b"), "input_tokens")).isEqualTo(300);
    assertThat(sum(usage(base + "&batch=true"), "input_tokens")).isEqualTo(600);
    assertThat(sum(usage(base + "&batch=false"), "input_tokens")).isZero();
    JsonNode byBatch = usage(base + "&group_by=batch&group_by=service_tier&group_by=project_id");
    assertThat(byBatch.at("/data/0/results/0/batch").asBoolean()).isTrue();
    assertThat(byBatch.at("/data/0/results/0/service_tier").asText()).isEqualTo("default");

    SimHttp.Reply comma =
        http.get(admin, "/organization/usage/completions?" + base + "&group_by=api_key_id,model");
    assertThat(comma.status()).isEqualTo(400);
    assertThat(comma.json().at("/error/param").asText()).isEqualTo("group_by");
  }

  @Test
  void serviceAccountUsageHasNoUserId() throws Exception {
    start(ReportingDelay.none(), DAY.plus(Duration.ofDays(1)));
    batch(baes, "gpt-4o-mini", DAY, 1, 0, 1);
    batch(chatdev, "gpt-4o-mini", DAY, 1, 0, 1);

    JsonNode rows = usage("start_time=" + D0 + "&limit=1&group_by=user_id").at("/data/0/results");

    assertThat(rows).hasSize(2);
    List<String> users = new ArrayList<>();
    rows.forEach(r -> users.add(r.get("user_id").isNull() ? null : r.get("user_id").asText()));
    assertThat(users).containsExactlyInAnyOrder(null, chatdev.userId());
  }

  @Test
  void usageBecomesVisibleOnlyAfterTheReportingDelay() throws Exception {
    start(ReportingDelay.fixed(Duration.ofMinutes(10)), DAY.plus(Duration.ofHours(1)));
    batch(chatdev, "gpt-4o-mini", sim.clock().instant(), 50, 0, 5);
    String q = "start_time=" + D0 + "&bucket_width=1h";

    sim.clock().advance(Duration.ofMinutes(9));
    assertThat(sum(usage(q), "input_tokens")).isZero();
    sim.clock().advance(Duration.ofMinutes(1));
    assertThat(sum(usage(q), "input_tokens")).isEqualTo(50);
  }

  @Test
  void theTypicalDelaySpreadsArrivalsBetweenFiveAndSixtyMinutes() throws Exception {
    start(ReportingDelay.typical(), DAY.plus(Duration.ofHours(1)));
    Instant t = sim.clock().instant();
    for (int i = 0; i < 200; i++) {
      batch(chatdev, "gpt-4o-mini", t, 1, 0, 1);
    }
    String q = "start_time=" + D0 + "&bucket_width=1h";

    sim.clock().advance(Duration.ofMinutes(4));
    assertThat(sum(usage(q), "num_model_requests")).isZero();
    sim.clock().advance(Duration.ofMinutes(11));
    assertThat(sum(usage(q), "num_model_requests")).isStrictlyBetween(0L, 200L);
    sim.clock().advance(Duration.ofMinutes(46));
    assertThat(sum(usage(q), "num_model_requests")).isEqualTo(200);
  }

  @Test
  void aLateRevisionGrowsABucketThatWasAlreadyServed() throws Exception {
    start(ReportingDelay.none(), DAY.plus(Duration.ofHours(1)));
    Instant minute = DAY.plus(Duration.ofMinutes(30));
    batch(chatdev, "gpt-4o-mini", minute.plusSeconds(5), 100, 0, 10);
    String q = "start_time=" + (D0 + 1800) + "&end_time=" + (D0 + 1860) + "&bucket_width=1m";
    assertThat(sum(usage(q), "input_tokens")).isEqualTo(100);

    sim.reviseLater(
        chatdev.id(), minute, new TokenCounts(40, 0, 4, 0), minute.plus(Duration.ofHours(2)));
    assertThat(sum(usage(q), "input_tokens")).isEqualTo(100);
    sim.clock().advance(Duration.ofHours(2));

    JsonNode row = usage(q).at("/data/0/results/0");
    assertThat(row.get("input_tokens").asLong()).isEqualTo(140);
    assertThat(row.get("output_tokens").asLong()).isEqualTo(14);
    assertThat(row.get("num_model_requests").asLong()).isEqualTo(1);
    assertThat(sim.served())
        .singleElement()
        .satisfies(u -> assertThat(u.counts().input()).isEqualTo(100));
  }

  @Test
  void randomLateRevisionsDelayPartOfTheUsageButKeepTheTotal() throws Exception {
    sim =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(DAY.plus(Duration.ofHours(1))))
            .reportingDelay(ReportingDelay.none())
            .lateRevisions(1.0, Duration.ofMinutes(30), Duration.ofMinutes(60))
            .start();
    http = new SimHttp(sim);
    admin = sim.register(SimKey.admin("usage reader"));
    chatdev = sim.register(SimKey.project("chatdev", "proj_a"));
    sim.recordBatchUsage(
        chatdev,
        "gpt-4o-mini",
        sim.clock().instant().minusSeconds(30),
        new TokenCounts(1000, 500, 100, 1));
    String q = "start_time=" + D0 + "&bucket_width=1h";

    long early = sum(usage(q), "input_tokens");
    sim.clock().advance(Duration.ofMinutes(61));
    JsonNode late = usage(q);

    assertThat(early).isStrictlyBetween(0L, 1000L);
    assertThat(sum(late, "input_tokens")).isEqualTo(1000);
    assertThat(sum(late, "input_cached_tokens")).isEqualTo(500);
    assertThat(sum(late, "num_model_requests")).isEqualTo(1);
  }

  @Test
  void otherUsageEndpointsServeWhatWasRecordedWithTheirOwnFiltersAndGroups() throws Exception {
    start(ReportingDelay.none(), DAY.plus(Duration.ofDays(1)));
    sim.recordUsage(
        UsageEndpoint.IMAGES,
        chatdev,
        DAY,
        Map.of(
            "images",
            2,
            "num_model_requests",
            2,
            "size",
            "1024x1024",
            "source",
            "image.generation",
            "model",
            "dall-e-3"));
    sim.recordUsage(
        UsageEndpoint.IMAGES,
        chatdev,
        DAY,
        Map.of(
            "images",
            1,
            "num_model_requests",
            1,
            "size",
            "512x512",
            "source",
            "image.edit",
            "model",
            "dall-e-2"));

    JsonNode bySize =
        http.get(
                admin,
                "/organization/usage/images?start_time="
                    + D0
                    + "&limit=1&group_by=size&sizes[]=1024x1024")
            .json();
    assertThat(bySize.at("/data/0/results")).hasSize(1);
    assertThat(bySize.at("/data/0/results/0/size").asText()).isEqualTo("1024x1024");
    assertThat(bySize.at("/data/0/results/0/source").isNull()).isTrue();
    assertThat(bySize.at("/data/0/results/0/images").asLong()).isEqualTo(2);
    assertThat(
            http.get(admin, "/organization/usage/images?start_time=" + D0 + "&sizes=7x7").status())
        .isEqualTo(400);
    assertThat(
            http.get(
                    admin, "/organization/usage/vector_stores?start_time=" + D0 + "&group_by=model")
                .status())
        .isEqualTo(400);
  }
}
