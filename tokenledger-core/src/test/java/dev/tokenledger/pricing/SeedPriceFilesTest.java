package dev.tokenledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.config.PriceFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The price files genai-devbench's users arrive with (issue 14): overrides under undated names, the
 * guide's per-1M fields, and per-1M numbers written into per-token fields.
 */
class SeedPriceFilesTest {
  @TempDir Path dir;

  private Path file(String json) throws IOException {
    Path f = dir.resolve("prices.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void anOverrideUnderTheUndatedNameReachesEveryDatedSnapshot() throws IOException {
    PriceTable base = PriceFiles.defaultTable();
    assertThat(base.get("gpt-4o-mini-2024-07-18")).isPresent(); // an entry of its own
    PriceTable t =
        PriceFiles.load(
            file(
                "{\"gpt-4o-mini\": {\"input_cost_per_token\": 2e-07,"
                    + " \"output_cost_per_token\": 8e-07}}"));

    PriceMatch dated = t.lookup("gpt-4o-mini-2024-07-18").orElseThrow();
    assertThat(dated.modelKey()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(dated.price().input()).isEqualByComparingTo("2e-07");
    assertThat(dated.price().output()).isEqualByComparingTo("8e-07");
    // fields the override does not give keep the snapshot's own
    assertThat(dated.price().cacheRead())
        .isEqualTo(base.get("gpt-4o-mini-2024-07-18").orElseThrow().cacheRead());
    assertThat(t.overriddenVia("gpt-4o-mini-2024-07-18")).contains("gpt-4o-mini");
    assertThat(t.lookup("gpt-4o-mini").orElseThrow().price().input()).isEqualByComparingTo("2e-07");
    // another model that merely starts the same is not a snapshot
    assertThat(t.lookup("gpt-4o-2024-08-06").orElseThrow().price().input())
        .isEqualTo(base.lookup("gpt-4o-2024-08-06").orElseThrow().price().input());

    CostCalculator calculator = new CostCalculator(t);
    assertThat(
            calculator
                .cost("gpt-4o-mini-2024-07-18", new TokenCounts(1_000_000, 0, 1_000_000, 1))
                .total())
        .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("1.00"));
  }

  @Test
  void aDatedEntryTheOverrideFileNamesKeepsItsOwnPrices() throws IOException {
    PriceTable t =
        PriceFiles.load(
            file(
                "{\"gpt-4o-mini\": {\"input_cost_per_token\": 2e-07,"
                    + " \"output_cost_per_token\": 8e-07},"
                    + " \"gpt-4o-mini-2024-07-18\": {\"input_cost_per_token\": 3e-07}}"));
    ModelPrice dated = t.get("gpt-4o-mini-2024-07-18").orElseThrow();
    assertThat(dated.input()).isEqualByComparingTo("3e-07");
    assertThat(dated.output())
        .isEqualTo(PriceFiles.defaultTable().get("gpt-4o-mini-2024-07-18").orElseThrow().output());
    assertThat(t.overriddenVia("gpt-4o-mini-2024-07-18")).isEmpty();
  }

  @Test
  void theGuidesPerMillionFieldsAreConvertedAndTheVersionSaysSo() throws IOException {
    PriceTable t =
        PriceFiles.load(
            file(
                "{\"gpt-4o-mini\": {\"input_price\": 0.15, \"cached_price\": 0.075,"
                    + " \"output_price\": 0.60},"
                    + " \"gpt-5-mini\": {\"input_price\": 0.25, \"cached_price\": 0.025,"
                    + " \"output_price\": 2.00}}"));
    ModelPrice mini = t.get("gpt-4o-mini").orElseThrow();
    assertThat(mini.input()).isEqualByComparingTo(new BigDecimal("0.00000015"));
    assertThat(mini.cacheRead())
        .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("7.5e-08"));
    assertThat(mini.output()).isEqualByComparingTo("6e-07");
    assertThat(t.lookup("gpt-5-mini-2025-08-07").orElseThrow().price().output())
        .isEqualByComparingTo("2e-06");
    assertThat(t.version()).contains("+overrides-per-1m-sha256:");
    assertThat(t.source()).contains("USD per 1M tokens, converted");
    assertThat(t.implausiblePrices()).isEmpty();
  }

  @Test
  void fieldsThatWouldBeIgnoredAreRefusedNamingTheFieldsExpected() throws IOException {
    assertThatThrownBy(
            () -> PriceFiles.load(file("{\"gpt-4o-mini\": {\"input_cost_per_million\": 0.15}}")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("gpt-4o-mini.input_cost_per_million is not a price field")
        .hasMessageContaining("input_price, cached_price and output_price (USD per 1M tokens");
    // a wrapper object around the entries is an entry without a price field
    assertThatThrownBy(
            () -> PriceFiles.load(file("{\"models\": {\"gpt-4o-mini\": {\"input_price\": 0.15}}}")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("models (an entry without a single price field)");
    assertThatThrownBy(
            () ->
                PriceFiles.load(
                    file(
                        "{\"gpt-4o-mini\": {\"input_price\": 0.15,"
                            + " \"input_cost_per_token\": 1.5e-07}}")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("gives both input_cost_per_token");
    assertThatThrownBy(
            () -> PriceFiles.load(file("{\"gpt-4o-mini\": {\"input_price\": \"0.15\"}}")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "gpt-4o-mini.input_price must be a number (USD per 1M tokens), was the string");
    // LiteLLM's own fields for what tokenledger does not price stay allowed in a copied entry
    PriceTable copied =
        PriceFiles.load(
            file(
                "{\"gpt-4o-mini\": {\"input_cost_per_token\": 2e-07,"
                    + " \"input_cost_per_audio_token\": 1e-05, \"max_tokens\": 16384}}"));
    assertThat(copied.get("gpt-4o-mini").orElseThrow().input()).isEqualByComparingTo("2e-07");
  }

  @Test
  void perMillionNumbersInPerTokenFieldsAreImplausible() throws IOException {
    PriceTable t =
        PriceFiles.load(
            file(
                "{\"gpt-4o-mini\": {\"input_cost_per_token\": 0.15,"
                    + " \"output_cost_per_token\": 0.6}}"));
    assertThat(t.implausiblePrices())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("gpt-4o-mini.input_cost_per_token is $0.15 per token ($150000"));
    List<PriceFinding> findings = PriceCheck.check(t, List.of("gpt-4o-mini"));
    assertThat(findings)
        .extracting(PriceFinding::kind)
        .contains(PriceFinding.Kind.IMPLAUSIBLE_PRICE);
    // cached above input is implausible too, and the packaged table has neither
    PriceTable cached =
        PriceFiles.load(
            file(
                "{\"gpt-4o-mini\": {\"input_cost_per_token\": 1.5e-07,"
                    + " \"cache_read_input_token_cost\": 3e-07}}"));
    assertThat(cached.implausiblePrices())
        .anySatisfy(p -> assertThat(p).contains("cache_read_input_token_cost is above its input"));
    assertThat(PriceFiles.defaultTable().implausiblePrices()).isEmpty();
  }

  @Test
  void aNegativePriceIsRefusedWhenTheFileIsRead() throws IOException {
    assertThatThrownBy(() -> PriceFiles.load(file("{\"gpt-4o-mini\": {\"output_price\": -0.6}}")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("negative");
  }
}
