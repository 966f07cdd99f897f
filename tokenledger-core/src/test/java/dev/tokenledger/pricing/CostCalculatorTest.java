package dev.tokenledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.config.PriceFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostCalculatorTest {
  private final CostCalculator calculator = new CostCalculator(PriceFiles.defaultTable());

  private static TokenCounts tokens(long input, long cached, long output) {
    return new TokenCounts(input, cached, output, 1);
  }

  private static BigDecimal usd(String amount) {
    return new BigDecimal(amount);
  }

  @Test
  void gpt5MiniProbeExampleCostsWhatTheUsageCommandShows() {
    Cost cost = calculator.cost("gpt-5-mini", tokens(12_345, 0, 5_678));

    assertThat(cost.status()).isEqualTo(CostStatus.PRICED);
    CostParts parts = cost.parts().orElseThrow();
    assertThat(parts.uncachedInput()).isEqualByComparingTo("0.00308625");
    assertThat(parts.cachedInput()).isEqualByComparingTo("0");
    assertThat(parts.output()).isEqualByComparingTo("0.011356");
    assertThat(cost.total())
        .hasValueSatisfying(t -> assertThat(t).isEqualByComparingTo("0.01444225"));
    assertThat(Money.forTable(cost.total().orElseThrow())).isEqualTo(usd("0.0144"));
    assertThat(Money.forTable(parts.uncachedInput())).isEqualTo(usd("0.0031"));
    assertThat(Money.forTable(parts.output())).isEqualTo(usd("0.0114"));
    assertThat(cost.flags()).isEmpty();
    assertThat(cost.modelKey()).contains("gpt-5-mini");
    assertThat(cost.rule()).contains(LookupRule.EXACT);
    assertThat(cost.priceTableVersion()).isEqualTo(PriceFiles.defaultTable().version());
  }

  @Test
  void cachedInputIsPricedAtTheCacheReadPriceAndNotCountedTwice() {
    // gpt-4o-mini: 0.15 / 0.075 / 0.60 USD per million (input / cached / output).
    Cost cost = calculator.cost("gpt-4o-mini", tokens(100_000, 20_000, 50_000));

    CostParts parts = cost.parts().orElseThrow();
    assertThat(parts.uncachedInput()).isEqualByComparingTo("0.012");
    assertThat(parts.cachedInput()).isEqualByComparingTo("0.0015");
    assertThat(parts.output()).isEqualByComparingTo("0.03");
    assertThat(cost.total().orElseThrow()).isEqualByComparingTo("0.0435");
    assertThat(Money.forTable(cost.total().orElseThrow())).isEqualTo(usd("0.0435"));
  }

  @Test
  void allInputCachedIsPricedAtTheCachePriceNotTheInputPrice() {
    Cost cost = calculator.cost("gpt-4o-mini", tokens(10_000, 10_000, 0));

    assertThat(cost.parts().orElseThrow().uncachedInput()).isEqualByComparingTo("0");
    assertThat(cost.total().orElseThrow()).isEqualByComparingTo("0.00075");
    assertThat(cost.flags()).isEmpty();
  }

  @Test
  void cachedInputWithoutACachePriceIsPricedAsInputAndFlagged() {
    Cost cost = calculator.cost("gpt-3.5-turbo", tokens(1_000, 400, 0));

    assertThat(cost.parts().orElseThrow().cachedInput()).isEqualByComparingTo("0.0002");
    assertThat(cost.flags()).containsExactly(CostFlag.CACHE_READ_PRICE_MISSING);
    assertThat(calculator.cost("gpt-3.5-turbo", tokens(1_000, 0, 10)).flags()).isEmpty();
  }

  @Test
  void datedModelIsPricedThroughItsBaseName() {
    Cost cost = calculator.cost("gpt-5-mini-2099-01-01", tokens(12_345, 0, 5_678));

    assertThat(cost.modelKey()).contains("gpt-5-mini");
    assertThat(cost.rule()).contains(LookupRule.WITHOUT_DATE_SUFFIX);
    assertThat(cost.total().orElseThrow()).isEqualByComparingTo("0.01444225");
    assertThat(cost.model()).isEqualTo("gpt-5-mini-2099-01-01");
  }

  @Test
  void fineTunedModelIsPricedAtFineTuningPrices() {
    Cost cost = calculator.cost("ft:gpt-4o-mini-2024-07-18:acme::x1y2", tokens(1_000_000, 0, 0));

    assertThat(cost.modelKey()).contains("ft:gpt-4o-mini-2024-07-18");
    assertThat(cost.total().orElseThrow()).isEqualByComparingTo("0.30");
    assertThat(cost.flags()).isEmpty();
  }

  @Test
  void fineTunedModelPricedByItsBaseModelIsFlagged() {
    Cost cost = calculator.cost("ft:gpt-5-mini-2025-08-07:acme::x1y2", tokens(1_000, 0, 0));

    assertThat(cost.isPriced()).isTrue();
    assertThat(cost.flags()).containsExactly(CostFlag.FINE_TUNED_PRICED_AS_BASE);
  }

  @Test
  void batchRowsUseBatchPrices() {
    Cost cost = calculator.cost("gpt-4o-mini", tokens(100_000, 0, 50_000), true, null);

    assertThat(cost.tier()).isEqualTo(PriceTier.BATCH);
    assertThat(cost.parts().orElseThrow().uncachedInput()).isEqualByComparingTo("0.0075");
    assertThat(cost.parts().orElseThrow().output()).isEqualByComparingTo("0.015");
    assertThat(cost.flags()).isEmpty();
  }

  @Test
  void batchRowsWithCachedInputFallBackToTheStandardCachePriceFlagged() {
    Cost cost = calculator.cost("gpt-4o-mini", tokens(100_000, 20_000, 50_000), true, "default");

    assertThat(cost.parts().orElseThrow().cachedInput()).isEqualByComparingTo("0.0015");
    assertThat(cost.total().orElseThrow()).isEqualByComparingTo("0.0225");
    assertThat(cost.flags()).containsExactly(CostFlag.BATCH_PRICE_MISSING);
  }

  @Test
  void batchRowsOfAModelWithoutBatchPricesUseStandardPricesFlagged() {
    Cost cost = calculator.cost("gpt-5-mini", tokens(12_345, 0, 5_678), true, null);

    assertThat(cost.total().orElseThrow()).isEqualByComparingTo("0.01444225");
    assertThat(cost.flags()).containsExactly(CostFlag.BATCH_PRICE_MISSING);
  }

  @Test
  void flexRowsUseFlexPrices() {
    // o3 flex: 1.00 / 0.25 / 4.00 USD per million.
    Cost cost = calculator.cost("o3", tokens(1_000, 200, 500), false, "flex");

    assertThat(cost.tier()).isEqualTo(PriceTier.FLEX);
    CostParts parts = cost.parts().orElseThrow();
    assertThat(parts.uncachedInput()).isEqualByComparingTo("0.0008");
    assertThat(parts.cachedInput()).isEqualByComparingTo("0.00005");
    assertThat(parts.output()).isEqualByComparingTo("0.002");
    assertThat(cost.flags()).isEmpty();
  }

  @Test
  void priorityRowsUsePriorityPrices() {
    // gpt-4o priority: 4.25 / 2.125 / 17.00 USD per million.
    Cost cost = calculator.cost("gpt-4o", tokens(1_000, 200, 500), false, "PRIORITY");

    assertThat(cost.tier()).isEqualTo(PriceTier.PRIORITY);
    CostParts parts = cost.parts().orElseThrow();
    assertThat(parts.uncachedInput()).isEqualByComparingTo("0.0034");
    assertThat(parts.cachedInput()).isEqualByComparingTo("0.000425");
    assertThat(parts.output()).isEqualByComparingTo("0.0085");
    assertThat(cost.flags()).isEmpty();
  }

  @Test
  void aTierWithoutPricesFallsBackToStandardPricesFlagged() {
    Cost flex = calculator.cost("gpt-4o-mini", tokens(100_000, 20_000, 50_000), false, "flex");

    assertThat(flex.total().orElseThrow()).isEqualByComparingTo("0.0435");
    assertThat(flex.flags()).containsExactly(CostFlag.FLEX_PRICE_MISSING);
  }

  @Test
  void unknownServiceTierUsesStandardPricesFlagged() {
    Cost cost = calculator.cost("gpt-4o-mini", tokens(100_000, 20_000, 50_000), false, "scale");

    assertThat(cost.tier()).isEqualTo(PriceTier.STANDARD);
    assertThat(cost.total().orElseThrow()).isEqualByComparingTo("0.0435");
    assertThat(cost.flags()).containsExactly(CostFlag.UNKNOWN_SERVICE_TIER);
    assertThat(calculator.cost("gpt-4o-mini", tokens(1, 0, 1), false, "default").flags()).isEmpty();
  }

  @Test
  void unknownModelIsUnpricedNotFree() {
    Cost cost = calculator.cost("gpt-17-ultra", tokens(1_000, 0, 1_000));

    assertThat(cost.status()).isEqualTo(CostStatus.UNPRICED);
    assertThat(cost.isPriced()).isFalse();
    assertThat(cost.parts()).isEmpty();
    assertThat(cost.total()).isEmpty();
    assertThat(cost.modelKey()).isEmpty();
    assertThat(cost.flags()).containsExactly(CostFlag.MODEL_NOT_FOUND);
    assertThat(cost.priceTableVersion()).isEqualTo(PriceFiles.defaultTable().version());
  }

  @Test
  void anOverrideFileChangesTheCostOfThatModelOnly(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, "{\"gpt-4o-mini\": {\"output_cost_per_token\": 1.2e-06}}");
    CostCalculator overridden = new CostCalculator(PriceFiles.load(file));

    TokenCounts t = tokens(100_000, 20_000, 50_000);
    assertThat(overridden.cost("gpt-4o-mini", t).total().orElseThrow())
        .isEqualByComparingTo("0.0735");
    assertThat(overridden.cost("gpt-4o-mini-2099-01-01", t).total().orElseThrow())
        .isEqualByComparingTo("0.0735");
    assertThat(overridden.cost("gpt-5-mini", t).total())
        .isEqualTo(calculator.cost("gpt-5-mini", t).total());
    assertThat(overridden.cost("gpt-4o-mini", t).priceTableVersion())
        .isNotEqualTo(calculator.cost("gpt-4o-mini", t).priceTableVersion());
  }
}
