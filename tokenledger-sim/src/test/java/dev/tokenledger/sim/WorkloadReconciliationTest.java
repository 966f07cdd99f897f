package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenledger.TokenCounts;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded random workload through the model endpoints; once the reporting delay has passed, the
 * usage buckets add up exactly to the {@code usage} objects the model endpoints returned, for every
 * bucket width and every grouping, and per key and model.
 */
class WorkloadReconciliationTest {
  private static final Instant START = Instant.parse("2025-10-27T22:41:17Z");
  private static final List<String> DIMS = UsageEndpoint.COMPLETIONS.dimensions();
  private static final List<String> MODELS =
      List.of("gpt-4o-mini", "gpt-4o", "o4-mini", "gpt-5-mini");
  private static final List<String> TIERS = List.of("auto", "default", "flex", "priority");

  /** Input (with cached), cached, output, requests. */
  private static long[] counts(long in, long cached, long out, long requests) {
    return new long[] {in, cached, out, requests};
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 42})
  void usageBucketsAddUpToWhatTheModelEndpointsReturned(long seed) throws Exception {
    Random rnd = new Random(seed);
    try (OpenAiSimulator sim =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(START))
            .seed(seed)
            .reportingDelay(ReportingDelay.typical())
            .lateRevisions(0.2, Duration.ofMinutes(10), Duration.ofMinutes(40))
            .start()) {
      SimHttp http = new SimHttp(sim);
      SimKey admin = sim.register(SimKey.admin("usage reader"));
      List<SimKey> keys =
          List.of(
              sim.register(SimKey.project("chatdev", "proj_one")),
              sim.register(SimKey.project("baes", "proj_one")),
              sim.register(SimKey.project("ghspec", "proj_two")),
              sim.register(SimKey.serviceAccount("harness", "proj_two")));

      // expected usage per full dimension tuple (project, user, key, model, batch, tier)
      Map<List<Object>, long[]> expected = new HashMap<>();
      String shared = "Shared context for caching. ".repeat(260);
      for (int i = 0; i < 140; i++) {
        sim.clock().advance(Duration.ofSeconds(rnd.nextInt(75)));
        SimKey key = keys.get(rnd.nextInt(keys.size()));
        String model = MODELS.get(rnd.nextInt(MODELS.size()));
        String tier = TIERS.get(rnd.nextInt(TIERS.size()));
        String prompt = (rnd.nextInt(3) == 0 ? shared : "") + "Question " + rnd.nextInt(1000);
        boolean responses = rnd.nextInt(4) == 0;
        boolean stream = !responses && rnd.nextBoolean();
        JsonNode usage;
        String served;
        if (responses) {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("model", model);
          body.put("input", prompt);
          body.put("service_tier", tier);
          JsonNode r = http.post(key, "/responses", body).json();
          served = r.get("model").asText();
          usage = r.get("usage");
          add(
              expected,
              key,
              served,
              false,
              r.get("service_tier").asText(),
              counts(
                  usage.get("input_tokens").asLong(),
                  usage.at("/input_tokens_details/cached_tokens").asLong(),
                  usage.get("output_tokens").asLong(),
                  1));
          continue;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("messages", List.of(Map.of("role", "user", "content", prompt)));
        body.put("service_tier", tier);
        if (stream) {
          body.put("stream", true);
          body.put("stream_options", Map.of("include_usage", true));
          String[] events = http.post(key, "/chat/completions", body).body().split("\n\n");
          JsonNode last = SimHttp.JSON.readTree(events[events.length - 2].substring(6));
          served = last.get("model").asText();
          usage = last.get("usage");
          tier = last.get("service_tier").asText();
        } else {
          JsonNode r = http.post(key, "/chat/completions", body).json();
          served = r.get("model").asText();
          usage = r.get("usage");
          tier = r.get("service_tier").asText();
        }
        add(
            expected,
            key,
            served,
            false,
            tier,
            counts(
                usage.get("prompt_tokens").asLong(),
                usage.at("/prompt_tokens_details/cached_tokens").asLong(),
                usage.get("completion_tokens").asLong(),
                1));
      }
      for (int i = 0; i < 5; i++) {
        SimKey key = keys.get(rnd.nextInt(keys.size()));
        Instant at = START.plusSeconds(rnd.nextInt(3600));
        TokenCounts c = new TokenCounts(500 + i, 100, 50, 2);
        sim.recordBatchUsage(key, "gpt-4o-mini", at, c);
        add(
            expected,
            key,
            "gpt-4o-mini-2024-07-18",
            true,
            "default",
            counts(c.input(), c.cachedInput(), c.output(), c.requests()));
      }
      Instant end = sim.clock().instant();
      sim.clock().advance(Duration.ofMinutes(60 + 40 + 1));

      assertThat(expected.values().stream().mapToLong(v -> v[1]).sum())
          .as("the workload exercised caching")
          .isPositive();
      long from = START.getEpochSecond() / 86400 * 86400;
      long to = (end.getEpochSecond() / 60 + 1) * 60;
      for (String width : List.of("1m", "1h", "1d")) {
        for (int mask = 0; mask < 1 << DIMS.size(); mask++) {
          List<String> groupBy = new ArrayList<>();
          for (int d = 0; d < DIMS.size(); d++) {
            if ((mask & (1 << d)) != 0) {
              groupBy.add(DIMS.get(d));
            }
          }
          StringBuilder q =
              new StringBuilder(
                  "start_time=" + from + "&end_time=" + to + "&bucket_width=" + width);
          for (String g : groupBy) {
            q.append(mask % 2 == 0 ? "&group_by=" : "&group_by[]=").append(g);
          }
          if (width.equals("1m")) {
            q.append("&limit=1440");
          }
          Map<List<Object>, long[]> actual = fetchGrouped(http, admin, q.toString());
          assertThat(toStrings(actual))
              .as(width + " grouped by " + groupBy)
              .isEqualTo(toStrings(project(expected, groupBy)));
        }
        for (SimKey key : keys) {
          for (String model : List.of("gpt-4o-mini-2024-07-18", "o4-mini-2025-04-16")) {
            String q =
                "start_time="
                    + from
                    + "&end_time="
                    + to
                    + "&bucket_width="
                    + width
                    + "&limit=7"
                    + "&api_key_ids="
                    + key.id()
                    + "&models[]="
                    + model;
            Map<List<Object>, long[]> actual = fetchGrouped(http, admin, q);
            Map<List<Object>, long[]> want = new HashMap<>();
            expected.forEach(
                (dims, c) -> {
                  if (dims.get(2).equals(key.id()) && dims.get(3).equals(model)) {
                    merge(
                        want, new ArrayList<>(java.util.Collections.nCopies(DIMS.size(), null)), c);
                  }
                });
            assertThat(toStrings(actual))
                .as(width + " for " + key.name() + " and " + model)
                .isEqualTo(toStrings(want));
          }
        }
      }
      long servedInput = sim.served().stream().mapToLong(u -> u.counts().input()).sum();
      assertThat(servedInput).isEqualTo(expected.values().stream().mapToLong(v -> v[0]).sum());
    }
  }

  private static void add(
      Map<List<Object>, long[]> expected,
      SimKey key,
      String model,
      boolean batch,
      String tier,
      long[] c) {
    List<Object> dims = new ArrayList<>();
    dims.add(key.projectId());
    dims.add(key.userId());
    dims.add(key.id());
    dims.add(model);
    dims.add(batch);
    dims.add(tier);
    merge(expected, dims, c);
  }

  private static void merge(Map<List<Object>, long[]> m, List<Object> k, long[] c) {
    long[] sum = m.computeIfAbsent(k, x -> new long[4]);
    for (int i = 0; i < 4; i++) {
      sum[i] += c[i];
    }
  }

  private static Map<List<Object>, long[]> project(
      Map<List<Object>, long[]> full, List<String> groupBy) {
    Map<List<Object>, long[]> out = new HashMap<>();
    full.forEach(
        (dims, c) -> {
          List<Object> k = new ArrayList<>();
          for (int d = 0; d < DIMS.size(); d++) {
            k.add(groupBy.contains(DIMS.get(d)) ? dims.get(d) : null);
          }
          merge(out, k, c);
        });
    return out;
  }

  /** All pages of a query, summed per group across buckets. */
  private static Map<List<Object>, long[]> fetchGrouped(SimHttp http, SimKey admin, String query)
      throws Exception {
    Map<List<Object>, long[]> out = new HashMap<>();
    String page = null;
    do {
      String q =
          query + (page == null ? "" : "&page=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
      SimHttp.Reply r = http.get(admin, "/organization/usage/completions?" + q);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode body = r.json();
      for (JsonNode bucket : body.get("data")) {
        for (JsonNode row : bucket.get("results")) {
          List<Object> k = new ArrayList<>();
          for (String d : DIMS) {
            JsonNode v = row.get(d);
            k.add(v.isNull() ? null : v.isBoolean() ? (Object) v.asBoolean() : v.asText());
          }
          assertThat(row.get("input_tokens").asLong())
              .isEqualTo(
                  row.get("input_cached_tokens").asLong()
                      + row.get("input_uncached_tokens").asLong());
          merge(
              out,
              k,
              counts(
                  row.get("input_tokens").asLong(),
                  row.get("input_cached_tokens").asLong(),
                  row.get("output_tokens").asLong(),
                  row.get("num_model_requests").asLong()));
        }
      }
      page = body.get("has_more").asBoolean() ? body.get("next_page").asText() : null;
    } while (page != null);
    return out;
  }

  private static Map<String, String> toStrings(Map<List<Object>, long[]> m) {
    Map<String, String> out = new java.util.TreeMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), java.util.Arrays.toString(v)));
    return out;
  }
}
