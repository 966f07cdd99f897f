package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenledger.TokenCounts;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CostsEndpointTest {
  private static final Instant DAY = Instant.parse("2024-11-01T00:00:00Z");
  private static final long D0 = DAY.getEpochSecond();

  private OpenAiSimulator sim;
  private SimHttp http;
  private SimKey admin;
  private SimKey a;
  private SimKey b;

  private void start(SimPricing pricing) {
    OpenAiSimulator.Builder builder =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(DAY.plus(Duration.ofDays(2)).plusSeconds(600)))
            .reportingDelay(ReportingDelay.none());
    if (pricing != null) {
      builder.pricing(pricing);
    }
    sim = builder.start();
    http = new SimHttp(sim);
    admin = sim.register(SimKey.admin("usage reader"));
    a = sim.register(SimKey.project("chatdev", "proj_a"));
    b = sim.register(SimKey.project("baes", "proj_b"));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private JsonNode costs(String query) throws Exception {
    SimHttp.Reply r = http.get(admin, "/organization/costs?" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void costsAreDailyLineItemsPricedFromTheVisibleUsage() throws Exception {
    start(SimPricing.flat(new BigDecimal("1"), new BigDecimal("0.5"), new BigDecimal("4")));
    sim.recordBatchUsage(
        a, "gpt-4o-mini", DAY.plusSeconds(60), new TokenCounts(1_000_000, 200_000, 100_000, 3));
    sim.recordUsage(
        UsageEndpoint.COMPLETIONS,
        b,
        DAY.plus(Duration.ofDays(1)),
        Map.of(
            "input_tokens",
            2_000_000,
            "input_uncached_tokens",
            2_000_000,
            "output_tokens",
            0,
            "num_model_requests",
            1,
            "model",
            "gpt-4o-2024-08-06",
            "service_tier",
            "default"));

    JsonNode page =
        costs("start_time=" + D0 + "&group_by=line_item&group_by=project_id&group_by=api_key_id");

    JsonNode day0 = page.at("/data/0/results");
    assertThat(page.get("data")).hasSize(3);
    Map<String, JsonNode> byItem = new HashMap<>();
    day0.forEach(r -> byItem.put(r.get("line_item").asText(), r));
    assertThat(byItem)
        .containsOnlyKeys(
            "gpt-4o-mini-2024-07-18, batch input",
            "gpt-4o-mini-2024-07-18, batch cached input",
            "gpt-4o-mini-2024-07-18, batch output");
    JsonNode input = byItem.get("gpt-4o-mini-2024-07-18, batch input");
    assertThat(input.at("/amount/value").decimalValue()).isEqualByComparingTo("0.8");
    assertThat(input.at("/amount/currency").asText()).isEqualTo("usd");
    assertThat(input.get("quantity").asLong()).isEqualTo(800_000);
    assertThat(input.get("quantity_unit").asText()).isEqualTo("tokens");
    assertThat(input.get("project_id").asText()).isEqualTo("proj_a");
    assertThat(input.get("api_key_id").asText()).isEqualTo(a.id());
    assertThat(
            byItem.get("gpt-4o-mini-2024-07-18, batch output").at("/amount/value").decimalValue())
        .isEqualByComparingTo("0.4");

    JsonNode total = costs("start_time=" + D0 + "&limit=1").at("/data/0/results/0");
    assertThat(total.at("/amount/value").decimalValue()).isEqualByComparingTo("1.3");
    assertThat(total.get("line_item").isNull()).isTrue();
    assertThat(total.get("quantity").isNull()).isTrue();
    assertThat(total.get("quantity_unit").isNull()).isTrue();

    JsonNode onlyB =
        costs("start_time=" + D0 + "&api_key_ids[]=" + b.id() + "&group_by=api_key_id");
    assertThat(onlyB.at("/data/0/results")).isEmpty();
    assertThat(onlyB.at("/data/1/results/0/amount/value").decimalValue()).isEqualByComparingTo("2");
    assertThat(costs("start_time=" + D0 + "&project_ids=proj_a").at("/data/1/results")).isEmpty();
  }

  @Test
  void byDefaultCostsUseTheSimulatorsOwnPriceListWithTheSnapshotBilledAsItsModel()
      throws Exception {
    start(null);
    TokenCounts tokens = new TokenCounts(10_000, 2_000, 1_000, 1);
    sim.recordUsage(
        UsageEndpoint.COMPLETIONS,
        a,
        DAY.plusSeconds(30),
        Map.of(
            "input_tokens",
            tokens.input(),
            "input_cached_tokens",
            tokens.cachedInput(),
            "input_uncached_tokens",
            tokens.uncachedInput(),
            "output_tokens",
            tokens.output(),
            "num_model_requests",
            1,
            "model",
            "gpt-4o-2024-08-06",
            "service_tier",
            "priority"));

    JsonNode page = costs("start_time=" + D0 + "&limit=1&group_by=line_item");

    // gpt-4o priority: $4.25 input, $2.125 cached input, $17 output per 1M tokens
    BigDecimal expected =
        new BigDecimal("0.034").add(new BigDecimal("0.00425")).add(new BigDecimal("0.017"));
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode r : page.at("/data/0/results")) {
      assertThat(r.get("line_item").asText()).endsWith("(priority)");
      sum = sum.add(r.at("/amount/value").decimalValue());
    }
    assertThat(sum).isEqualByComparingTo(expected);
  }

  @Test
  void costsTakeOnlyDailyBucketsAndAtMost180OfThem() throws Exception {
    start(null);

    assertThat(
            http.get(admin, "/organization/costs?start_time=" + D0 + "&bucket_width=1h").status())
        .isEqualTo(400);
    assertThat(http.get(admin, "/organization/costs?start_time=" + D0 + "&limit=181").status())
        .isEqualTo(400);
    assertThat(http.get(admin, "/organization/costs?start_time=" + D0 + "&group_by=model").status())
        .isEqualTo(400);
    assertThat(costs("start_time=" + (D0 - 86400 * 10)).get("data")).hasSize(7);
    assertThat(costs("start_time=" + (D0 - 86400 * 10)).get("has_more").asBoolean()).isTrue();
  }
}
