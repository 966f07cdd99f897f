package dev.tokenledger.costs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.openai.CostBucket;
import dev.tokenledger.openai.CostResult;
import dev.tokenledger.openai.RequestStats;
import dev.tokenledger.openai.UsageBucket;
import dev.tokenledger.openai.UsageResult;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.CostStatus;
import dev.tokenledger.pricing.PriceField;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostComparerTest {
  static final Instant DAY = Instant.parse("2025-10-27T00:00:00Z");
  static final String KEY = "key_chatdev";
  static final String PROJECT = "proj_exp";
  static final RequestStats NO_REQUESTS = new RequestStats(0, 0, 0);

  final CostComparer comparer = new CostComparer(new CostCalculator(PriceFiles.defaultTable()));

  static UsageResult completions(
      String model, long in, long cached, long out, boolean batch, String tier) {
    return new UsageResult.Completions(
        in,
        cached,
        0,
        in - cached,
        out,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        3,
        PROJECT,
        null,
        KEY,
        model,
        batch,
        tier);
  }

  static CostResult line(String item, String amount, long quantity) {
    return new CostResult(
        new BigDecimal(amount), "usd", item, PROJECT, KEY, BigDecimal.valueOf(quantity), "tokens");
  }

  CostsComparison compare(List<CostResult> billed, List<UsageResult> used) {
    return compare(comparer, billed, used);
  }

  static CostsComparison compare(
      CostComparer comparer, List<CostResult> billed, List<UsageResult> used) {
    Instant end = DAY.plus(Duration.ofDays(1));
    return comparer.compare(
        new CostsRequest(DAY, end, List.of(), List.of(), CostsRequest.DEFAULT_TOLERANCE),
        DAY,
        end,
        List.of(new CostBucket(DAY, end, billed)),
        List.of(new UsageBucket(DAY, end, used)),
        NO_REQUESTS,
        NO_REQUESTS);
  }

  @Test
  void aBillThatMatchesThePriceTableIsNotFlagged() {
    CostsComparison c =
        compare(
            List.of(
                line("gpt-4o-mini-2024-07-18, input", "0.012", 80_000),
                line("gpt-4o-mini-2024-07-18, cached input", "0.0015", 20_000),
                line("gpt-4o-mini-2024-07-18, output", "0.03", 50_000)),
            List.of(completions("gpt-4o-mini-2024-07-18", 100_000, 20_000, 50_000, false, null)));

    KeyDayCost row = c.rows().get(0);
    assertThat(row.billed()).isEqualByComparingTo("0.0435");
    assertThat(row.estimated().total())
        .hasValueSatisfying(e -> assertThat(e).isEqualByComparingTo("0.0435"));
    assertThat(row.difference()).hasValueSatisfying(d -> assertThat(d).isZero());
    assertThat(row.flagged()).isFalse();
    assertThat(row.causes()).isEmpty();
    assertThat(c.anyFlagged()).isFalse();
  }

  @Test
  void aBilledRateAboveTheTablesIsFlaggedAndNamesTheLineItemAndModel() {
    CostsComparison c =
        compare(
            List.of(
                line("gpt-4o-mini-2024-07-18, input", "0.02", 100_000),
                line("gpt-4o-mini-2024-07-18, output", "0.03", 50_000)),
            List.of(completions("gpt-4o-mini-2024-07-18", 100_000, 0, 50_000, false, null)));

    KeyDayCost row = c.rows().get(0);
    assertThat(row.flagged()).isTrue();
    assertThat(row.difference())
        .hasValueSatisfying(d -> assertThat(d).isEqualByComparingTo("-0.005"));
    assertThat(row.ratio()).hasValueSatisfying(r -> assertThat(r).isEqualByComparingTo("-0.1"));
    assertThat(row.causes())
        .singleElement()
        .satisfies(
            cause -> {
              assertThat(cause.kind()).isEqualTo(CostCause.Kind.RATE_DIFFERS);
              assertThat(cause.subject()).isEqualTo("gpt-4o-mini-2024-07-18");
              assertThat(cause.message())
                  .isEqualTo(
                      "gpt-4o-mini-2024-07-18, input: billed $0.2 per 1M tokens, the price table"
                          + " has $0.15 (gpt-4o-mini-2024-07-18)");
            });
  }

  @Test
  void aDifferenceWithinTheToleranceIsNotFlagged() {
    CostsComparison c =
        compare(
            List.of(line("gpt-4o, output", "1.01", 100_000)),
            List.of(completions("gpt-4o", 0, 0, 100_000, false, null)));

    assertThat(c.rows().get(0).ratio())
        .hasValueSatisfying(
            r -> assertThat(r).isBetween(new BigDecimal("-0.0100"), new BigDecimal("-0.0099")));
    assertThat(c.rows().get(0).flagged()).isFalse();
  }

  @Test
  void anUnpricedModelMakesTheEstimatePartialAndIsNamed() {
    CostsComparison c =
        compare(
            List.of(
                line("gpt-4o-mini, output", "0.03", 50_000),
                line("gpt-17-ultra, output", "1.00", 10_000)),
            List.of(
                completions("gpt-4o-mini", 0, 0, 50_000, false, null),
                completions("gpt-17-ultra", 0, 0, 10_000, false, null)));

    KeyDayCost row = c.rows().get(0);
    assertThat(row.estimated().status()).isEqualTo(CostStatus.PARTIAL);
    assertThat(row.flagged()).isTrue();
    assertThat(row.causes())
        .extracting(CostCause::kind, CostCause::subject)
        .contains(
            org.assertj.core.groups.Tuple.tuple(CostCause.Kind.UNPRICED_MODEL, "gpt-17-ultra"));
    assertThat(c.total().estimated().status()).isEqualTo(CostStatus.PARTIAL);
  }

  @Test
  void batchUsageIsPricedFromTheBatchListAndNamedAsATier() {
    CostsComparison c =
        compare(
            List.of(line("gpt-4o-mini, batch output", "0.015", 50_000)),
            List.of(completions("gpt-4o-mini", 0, 0, 50_000, true, null)));

    KeyDayCost row = c.rows().get(0);
    assertThat(row.flagged()).isFalse();
    assertThat(row.causes())
        .singleElement()
        .extracting(CostCause::kind, CostCause::message)
        .containsExactly(
            CostCause.Kind.TIER_USAGE,
            "gpt-4o-mini: 50,000 tokens of batch usage, priced at the table's batch prices");
  }

  @Test
  void billedItemsWithoutTokensAndTokensWithoutABillAreBothExplained() {
    CostResult webSearch =
        new CostResult(
            new BigDecimal("0.25"), "usd", "web search tool calls", PROJECT, KEY, null, null);
    CostsComparison c =
        compare(List.of(webSearch), List.of(completions("gpt-4o", 0, 0, 100_000, false, null)));
    KeyDayCost row = c.rows().get(0);
    assertThat(row.flagged()).isTrue();
    assertThat(row.causes())
        .extracting(CostCause::kind)
        .containsExactly(CostCause.Kind.BILLED_WITHOUT_USAGE);

    CostsComparison unbilled =
        compare(List.of(), List.of(completions("gpt-4o", 0, 0, 100_000, false, null)));
    assertThat(unbilled.rows().get(0).ratio()).isEmpty();
    assertThat(unbilled.rows().get(0).flagged()).isTrue();
    assertThat(unbilled.rows().get(0).causes())
        .extracting(CostCause::kind)
        .containsExactly(CostCause.Kind.USAGE_NOT_BILLED);
  }

  @Test
  void anOverrideOfOneModelChangesThatModelsEstimateOnly(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("prices.json"), "{\"gpt-4o\": {\"output_cost_per_token\": 2e-05}}");
    CostComparer overridden = new CostComparer(new CostCalculator(PriceFiles.load(file)));
    List<CostResult> billed =
        List.of(
            line("gpt-4o, output", "1.0", 100_000), line("gpt-4o-mini, output", "0.06", 100_000));
    List<UsageResult> used =
        List.of(
            completions("gpt-4o", 0, 0, 100_000, false, null),
            completions("gpt-4o-mini", 0, 0, 100_000, false, null));

    KeyDayCost row = compare(overridden, billed, used).rows().get(0);

    assertThat(row.estimated().total())
        .hasValueSatisfying(e -> assertThat(e).isEqualByComparingTo("2.06"));
    assertThat(row.causes())
        .extracting(CostCause::kind, CostCause::subject)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(CostCause.Kind.RATE_DIFFERS, "gpt-4o"));
  }

  static ReadSpec spec(String endpoint, Instant start, Instant end) {
    return new ReadSpec(endpoint, start, end, List.of(), List.of(), List.of(), "");
  }

  @Test
  void readsThatCoverMoreThanTheRequestCountOnlyItsDaysAndKeys() {
    Instant before = DAY.minus(Duration.ofDays(1));
    Instant end = DAY.plus(Duration.ofDays(1));
    CostResult otherKey =
        new CostResult(
            new BigDecimal("5"), "usd", "gpt-4o, output", PROJECT, "key_other", null, null);
    CostsRead billed =
        CostsRead.billed(
            spec(ReadSpec.COSTS, before, end),
            end,
            new RequestStats(1, 1, 0),
            List.of(
                new CostBucket(before, DAY, List.of(line("gpt-4o-mini, output", "9", 1))),
                new CostBucket(
                    DAY, end, List.of(line("gpt-4o-mini, output", "0.06", 100_000), otherKey))));
    CostsRead used =
        CostsRead.usage(
            spec("completions", before, end),
            end,
            new RequestStats(2, 3, 0),
            List.of(
                new UsageBucket(
                    DAY, end, List.of(completions("gpt-4o-mini", 0, 0, 100_000, false, null)))));

    CostsComparison c =
        comparer.compare(
            new CostsRequest(DAY, end, List.of(KEY), List.of(), CostsRequest.DEFAULT_TOLERANCE),
            List.of(billed, used));

    assertThat(c.rows()).singleElement().satisfies(r -> assertThat(r.apiKeyId()).isEqualTo(KEY));
    assertThat(c.total().billed()).isEqualByComparingTo("0.06");
    assertThat(c.anyFlagged()).isFalse();
    assertThat(c.costsRequests()).isEqualTo(new RequestStats(1, 1, 0));
    assertThat(c.usageRequests()).isEqualTo(new RequestStats(2, 3, 0));
  }

  @Test
  void aFailedReadOrAMissingCostsReadCannotBeCompared() {
    Instant end = DAY.plus(Duration.ofDays(1));
    CostsRequest request =
        new CostsRequest(DAY, end, List.of(), List.of(), CostsRequest.DEFAULT_TOLERANCE);
    CostsRead failed =
        CostsRead.failed(spec(ReadSpec.COSTS, DAY, end), end, NO_REQUESTS, "HTTP 500");
    CostsRead used = CostsRead.usage(spec("completions", DAY, end), end, NO_REQUESTS, List.of());

    assertThatThrownBy(() -> comparer.compare(request, List.of(failed, used)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the read of costs failed");
    assertThatThrownBy(() -> comparer.compare(request, List.of(used)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a read of the Costs API");
  }

  @Test
  void lineItemsAreReadWithTheirKindBatchFlagAndTier() {
    assertThat(LineItem.parse("gpt-4o-mini-2024-07-18, cached input"))
        .contains(new LineItem("gpt-4o-mini-2024-07-18", PriceField.Kind.CACHE_READ, false, null));
    assertThat(LineItem.parse("o3, batch output"))
        .contains(new LineItem("o3", PriceField.Kind.OUTPUT, true, null));
    assertThat(LineItem.parse("gpt-5, input (flex)"))
        .contains(new LineItem("gpt-5", PriceField.Kind.INPUT, false, "flex"));
    assertThat(LineItem.parse("web search tool calls")).isEmpty();
    assertThat(LineItem.parse(null)).isEmpty();
  }
}
