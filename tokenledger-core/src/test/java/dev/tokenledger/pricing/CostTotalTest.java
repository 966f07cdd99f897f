package dev.tokenledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.config.PriceFiles;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CostTotalTest {
  private final CostCalculator calculator = new CostCalculator(PriceFiles.defaultTable());
  private final Cost mini =
      calculator.cost("gpt-4o-mini", new TokenCounts(100_000, 20_000, 50_000, 3));
  private final Cost nano = calculator.cost("gpt-5-nano", new TokenCounts(1_000_000, 0, 0, 1));
  private final Cost unknown = calculator.cost("gpt-17-ultra", new TokenCounts(1_000, 0, 1_000, 1));

  @Test
  void allPricedRowsSumToAPricedTotal() {
    CostTotal total = CostTotal.of(List.of(mini, nano));

    assertThat(total.status()).isEqualTo(CostStatus.PRICED);
    assertThat(total.total().orElseThrow()).isEqualByComparingTo("0.0935");
    assertThat(total.parts().orElseThrow().uncachedInput()).isEqualByComparingTo("0.062");
    assertThat(total.pricedRows()).isEqualTo(2);
    assertThat(total.priceTableVersions()).containsExactly(PriceFiles.defaultTable().version());
  }

  @Test
  void someUnpricedRowsMakeAPartialTotalThatNamesTheirModels() {
    CostTotal total = List.of(mini, unknown, nano).stream().collect(CostTotal.collector());

    assertThat(total.status()).isEqualTo(CostStatus.PARTIAL);
    assertThat(total.total().orElseThrow()).isEqualByComparingTo("0.0935");
    assertThat(total.unpricedRows()).isEqualTo(1);
    assertThat(total.unpricedModels()).containsExactly("gpt-17-ultra");
    assertThat(total.flags()).containsExactly(CostFlag.MODEL_NOT_FOUND);
  }

  @Test
  void onlyUnpricedRowsMakeAnUnpricedTotalWithoutAmount() {
    CostTotal total = CostTotal.of(List.of(unknown, unknown));

    assertThat(total.status()).isEqualTo(CostStatus.UNPRICED);
    assertThat(total.total()).isEmpty();
    assertThat(total.unpricedRows()).isEqualTo(2);
  }

  @Test
  void noRowsCostNothing() {
    assertThat(CostTotal.of(List.of())).isEqualTo(CostTotal.EMPTY);
    assertThat(CostTotal.EMPTY.status()).isEqualTo(CostStatus.PRICED);
    assertThat(CostTotal.EMPTY.total().orElseThrow()).isZero();
  }

  @Test
  void groupTotalsAddUpLikeTheirRows() {
    CostTotal left = CostTotal.of(List.of(mini));
    CostTotal right = CostTotal.of(List.of(unknown, nano));

    assertThat(left.plus(right)).isEqualTo(CostTotal.of(List.of(mini, unknown, nano)));
    assertThat(CostTotal.of(List.of(unknown)).plus(CostTotal.EMPTY).status())
        .isEqualTo(CostStatus.UNPRICED);
  }

  @Test
  void inconsistentTotalsCannotBeBuilt() {
    assertThatThrownBy(
            () ->
                new CostTotal(
                    CostStatus.PRICED, Optional.empty(), 0, 1, Set.of(), Set.of(), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status must be UNPRICED");
    assertThatThrownBy(
            () ->
                new Cost(
                    "m",
                    CostStatus.UNPRICED,
                    Optional.of(CostParts.ZERO),
                    PriceTier.STANDARD,
                    Set.of(),
                    Optional.empty(),
                    "v"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
