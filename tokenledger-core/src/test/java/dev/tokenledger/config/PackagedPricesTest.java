package dev.tokenledger.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.pricing.PriceTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged table every priced command loads (the compact form the build writes) is the LiteLLM
 * file's parse: same version, source, entries and prices, scale for scale.
 */
class PackagedPricesTest {
  @TempDir Path dir;

  private static void assertSameTable(PriceTable loaded, PriceTable parsed) {
    assertThat(loaded.version()).isEqualTo(parsed.version());
    assertThat(loaded.source()).isEqualTo(parsed.source());
    assertThat(loaded.toString()).isEqualTo(parsed.toString());
    // every entry, priced or not, with its mode and prices as plain decimals
    assertThat(loaded.toJson()).isEqualTo(parsed.toJson());
    // and each price as the same BigDecimal, scale included: costs keep the price's scale
    assertThat(loaded.modelKeys()).isEqualTo(parsed.modelKeys());
    for (String key : parsed.modelKeys()) {
      assertThat(loaded.get(key)).isEqualTo(parsed.get(key));
    }
    assertThat(loaded.implausiblePrices()).isEqualTo(parsed.implausiblePrices());
  }

  @Test
  void theDefaultTableIsTheLiteLlmFilesParse() {
    PriceTable parsed = PriceFiles.parsePackaged();
    assertThat(parsed.version()).startsWith("litellm@").contains("+sha256:");
    assertSameTable(PriceFiles.defaultTable(), parsed);
  }

  @Test
  void theBuildWritesWhatTheDefaultTableIsLoadedFrom() throws IOException {
    PackagedPrices.main(new String[] {dir.toString()});
    String written = Files.readString(dir.resolve(PriceFiles.COMPACT_PATH), StandardCharsets.UTF_8);

    assertThat(written).isEqualTo(PriceFiles.compact(PriceFiles.parsePackaged()));
    assertSameTable(PriceFiles.fromCompact(written), PriceFiles.parsePackaged());
  }

  @Test
  void aCompactTableWithoutItsVersionLineIsADamagedJar() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PriceFiles.fromCompact("litellm@x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the packaged price table litellm-model-prices.openai has no version line; rebuild the"
                + " jar");
  }
}
