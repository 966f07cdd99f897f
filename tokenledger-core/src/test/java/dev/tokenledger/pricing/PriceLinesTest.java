package dev.tokenledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.pricing.PriceFileParser.RawEntry;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The packaged table's line form reads back every entry as written, scale for scale. */
class PriceLinesTest {
  private static RawEntry entry(String mode, Object... fieldsAndPrices) {
    EnumMap<PriceField, BigDecimal> prices = new EnumMap<>(PriceField.class);
    for (int i = 0; i < fieldsAndPrices.length; i += 2) {
      prices.put((PriceField) fieldsAndPrices[i], (BigDecimal) fieldsAndPrices[i + 1]);
    }
    return new RawEntry(Optional.ofNullable(mode), prices, EnumSet.noneOf(PriceField.class));
  }

  @Test
  void entriesReadBackInOrderWithModesAndPricesScaleForScale() {
    Map<String, RawEntry> entries = new LinkedHashMap<>();
    entries.put(
        "gpt-4o-mini",
        entry(
            "chat",
            PriceField.INPUT,
            new BigDecimal("1.5E-7"),
            PriceField.OUTPUT,
            new BigDecimal("0.00000060"),
            PriceField.CACHE_READ,
            new BigDecimal("7.5e-8")));
    entries.put(
        "ft:gpt-3.5-turbo:my-org:custom:id", entry(null, PriceField.INPUT, new BigDecimal("1E+2")));
    entries.put("256-x-256/dall-e-2", entry("image_generation"));

    Map<String, RawEntry> read = PriceLines.read(PriceLines.write(entries), "a test", 1);

    assertThat(read.keySet()).containsExactlyElementsOf(entries.keySet());
    entries.forEach(
        (key, written) -> {
          RawEntry back = read.get(key);
          assertThat(back.mode()).isEqualTo(written.mode());
          // BigDecimal.equals compares the scale too: a cost keeps its price's scale
          assertThat(back.prices()).isEqualTo(written.prices());
        });
  }

  @Test
  void aKeyOrModeThatWouldNotReadBackIsRefusedWhenWritten() {
    assertThatThrownBy(() -> PriceLines.write(Map.of("a\tb", entry("chat"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the key of the price entry 'a\\tb' is empty or holds a tab or a line break, which"
                + " price lines cannot hold: leave the entry out or correct it in the LiteLLM"
                + " file");
    assertThatThrownBy(() -> PriceLines.write(Map.of("m", entry("chat\nx"))))
        .hasMessageStartingWith("the mode of the price entry 'm' is empty");
    // an empty mode would read back as none
    assertThatThrownBy(() -> PriceLines.write(Map.of("m", entry(""))))
        .hasMessageStartingWith("the mode of the price entry 'm' is empty");
    assertThatThrownBy(() -> PriceLines.write(Map.of("", entry("chat"))))
        .hasMessageStartingWith("the key of the price entry '' is empty");
  }

  @Test
  void anEmptyTableIsNoLines() {
    assertThat(PriceLines.write(Map.of())).isEmpty();
    assertThat(PriceLines.read("", "t", 2)).isEmpty();
  }

  @Test
  void damagedLinesSayWhereAndHowToMend() {
    assertThatThrownBy(
            () -> PriceLines.read("gpt\tchat\tinput_cost_per_token=x\n", "the table t", 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the table t is damaged at line 2: 'input_cost_per_token=x' has no decimal price;"
                + " rebuild the jar");
    assertThatThrownBy(() -> PriceLines.read("a\tchat\n\tchat\n", "t", 1))
        .hasMessageContaining("line 2: a line needs a key and a mode");
    assertThatThrownBy(() -> PriceLines.read("a\tchat\tno_such_field=1\n", "t", 1))
        .hasMessageContaining("'no_such_field=1' is not field=price");
    assertThatThrownBy(() -> PriceLines.read("a\tchat", "t", 1))
        .hasMessageContaining("its last line has no end");
  }
}
