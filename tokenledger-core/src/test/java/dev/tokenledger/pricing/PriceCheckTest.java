package dev.tokenledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tokenledger.config.PriceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceCheckTest {
  private final PriceTable table = PriceFiles.defaultTable();

  @Test
  void gpt5NanoPriorityInputFiftyTimesStandardIsFlagged() {
    List<PriceFinding> findings = PriceCheck.check(table, List.of("gpt-5-nano"));

    assertThat(findings).hasSize(1);
    PriceFinding f = findings.get(0);
    assertThat(f.kind()).isEqualTo(PriceFinding.Kind.TIER_PRICE_OUT_OF_RANGE);
    assertThat(f.field()).contains(PriceField.PRIORITY_INPUT);
    assertThat(f.modelKey()).contains("gpt-5-nano");
    assertThat(f.message())
        .isEqualTo(
            "gpt-5-nano: input_cost_per_token_priority ($2.5 per 1M tokens) is 50×"
                + " input_cost_per_token ($0.05 per 1M tokens); priority usually costs about 2×"
                + " standard: check it against OpenAI's pricing and correct it in an override file"
                + " (--prices)");
  }

  @Test
  void soundPricesGiveNoFindings() {
    assertThat(
            PriceCheck.check(
                table,
                List.of(
                    "gpt-5-mini",
                    "gpt-4o-mini-2024-07-18",
                    "gpt-4o",
                    "o3",
                    "text-embedding-3-small",
                    "omni-moderation-latest")))
        .isEmpty();
  }

  @Test
  void unknownModelsAndModelsWithoutTokenPricesAreUnpriced() {
    List<PriceFinding> findings = PriceCheck.check(table, List.of("gpt-17-ultra", "dall-e-3"));

    assertThat(findings).extracting(PriceFinding::kind).containsOnly(PriceFinding.Kind.UNPRICED);
    assertThat(findings.get(0).message()).contains("gpt-17-ultra is not in the price table");
    assertThat(findings.get(1).message()).contains("without per-token prices");
  }

  @Test
  void fineTunedModelPricedAsItsBaseIsReported() {
    assertThat(PriceCheck.check(table, List.of("ft:gpt-5-mini-2025-08-07:org::id")))
        .extracting(PriceFinding::kind)
        .containsExactly(PriceFinding.Kind.FINE_TUNED_AS_BASE_MODEL);
  }

  @Test
  void zeroCacheAboveInputAndDiscountAboveStandardAreFlagged(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad-prices.json");
    Files.writeString(
        file,
        """
        {"gpt-4o-mini": {"output_cost_per_token": 0},
         "gpt-4o": {"cache_read_input_token_cost": 3e-06},
         "o3": {"input_cost_per_token_flex": 3e-06,
                "output_cost_per_token_priority": 7e-06}}
        """);
    PriceTable bad = PriceFiles.load(file);

    assertThat(PriceCheck.check(bad, List.of("gpt-4o-mini", "gpt-4o", "o3", "gpt-4o")))
        .extracting(PriceFinding::model, PriceFinding::kind, f -> f.field().orElseThrow())
        .containsExactly(
            tuple("gpt-4o-mini", PriceFinding.Kind.ZERO_PRICE, PriceField.OUTPUT),
            tuple("gpt-4o", PriceFinding.Kind.CACHE_READ_ABOVE_INPUT, PriceField.CACHE_READ),
            // the raised standard cache price is now above the priority one
            tuple(
                "gpt-4o",
                PriceFinding.Kind.TIER_PRICE_OUT_OF_RANGE,
                PriceField.PRIORITY_CACHE_READ),
            tuple("o3", PriceFinding.Kind.TIER_PRICE_OUT_OF_RANGE, PriceField.FLEX_INPUT),
            tuple("o3", PriceFinding.Kind.TIER_PRICE_OUT_OF_RANGE, PriceField.PRIORITY_OUTPUT));
  }
}
