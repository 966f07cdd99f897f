package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import org.junit.jupiter.api.Test;

class SimPriceListTest {
  private static final TokenCounts TOKENS = new TokenCounts(1_000_000, 200_000, 100_000, 1);
  private final SimPricing list = SimPricing.listPrices();

  @Test
  void standardPricesPerMillionTokensForUncachedCachedAndOutput() {
    SimPricing.Amounts a = list.price("gpt-4o-mini", false, "default", TOKENS).orElseThrow();

    assertThat(a.uncachedInput()).isEqualByComparingTo("0.12");
    assertThat(a.cachedInput()).isEqualByComparingTo("0.015");
    assertThat(a.output()).isEqualByComparingTo("0.06");
  }

  @Test
  void aSnapshotAndAFineTunedModelAreBilledAsTheirModel() {
    SimPricing.Amounts model = list.price("gpt-4.1", false, "default", TOKENS).orElseThrow();

    assertThat(list.price("gpt-4.1-2025-04-14", false, "default", TOKENS)).contains(model);
    assertThat(list.price("ft:gpt-4.1-2025-04-14:acme::x1", false, "default", TOKENS))
        .contains(model);
  }

  @Test
  void batchFlexAndPriorityHaveTheirOwnPricesAndFallBackToStandard() {
    assertThat(list.price("gpt-4o-mini", true, null, TOKENS).orElseThrow().output())
        .isEqualByComparingTo("0.03");
    assertThat(list.price("o3", false, "flex", TOKENS).orElseThrow().cachedInput())
        .isEqualByComparingTo("0.05");
    assertThat(list.price("gpt-5-mini", false, "priority", TOKENS).orElseThrow().output())
        .isEqualByComparingTo("0.36");
    // o3-mini has no batch price in the list: standard applies
    assertThat(list.price("o3-mini", true, null, TOKENS).orElseThrow().output())
        .isEqualByComparingTo("0.44");
    // an embedding model has no cached price: cached input is billed as input
    assertThat(
            list.price("text-embedding-3-small", false, "default", TOKENS)
                .orElseThrow()
                .cachedInput())
        .isEqualByComparingTo("0.004");
  }

  @Test
  void aModelNotListedIsNotBilled() {
    assertThat(list.price("gpt-17-ultra", false, "default", TOKENS)).isEmpty();
    assertThat(list.price("dall-e-3", false, "default", TOKENS)).isEmpty();
  }
}
