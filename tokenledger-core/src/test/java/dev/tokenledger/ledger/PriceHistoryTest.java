package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.CostFlag;
import dev.tokenledger.pricing.PriceTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PriceHistoryTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  private static final TokenCounts TOKENS = new TokenCounts(100_000, 20_000, 50_000, 3);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  private Ledger open(Backend backend) {
    return Ledger.builder(backend.newLocation(dir))
        .clock(clock)
        .heartbeatInterval(Duration.ZERO)
        .open();
  }

  private PriceTable override(String name, String json) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, json);
    return PriceFiles.withOverrides(PriceFiles.defaultTable(), file);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRecordedTableComesBackWithEveryPriceAndItsVersion(Backend backend) throws Exception {
    PriceTable cheaper =
        override(
            "cheaper.json",
            "{\"gpt-4o-mini\": {\"input_cost_per_token\": 1e-7,"
                + " \"cache_read_input_token_cost\": null}}");
    try (Ledger ledger = open(backend)) {
      PriceHistory history = new PriceHistory(ledger);
      history.record(PriceFiles.defaultTable());
      history.record(cheaper);

      for (PriceTable original : List.of(PriceFiles.defaultTable(), cheaper)) {
        PriceTable restored = history.table(original.version());
        assertThat(restored.version()).isEqualTo(original.version());
        assertThat(restored.modelKeys()).isEqualTo(original.modelKeys());
        assertThat(restored.toJson()).isEqualTo(original.toJson());
        for (String model : List.of("gpt-4o-mini", "gpt-4o-2024-08-06", "ft:gpt-4o-mini:acme")) {
          assertThat(new CostCalculator(restored).cost(model, TOKENS, false, null).total())
              .as(model)
              .isEqualTo(new CostCalculator(original).cost(model, TOKENS, false, null).total());
        }
      }
      // the override's nulled cache price stays removed: cached input is priced as input, flagged
      assertThat(
              new CostCalculator(history.table(cheaper.version()))
                  .cost("gpt-4o-mini", TOKENS, false, null)
                  .flags())
          .contains(CostFlag.CACHE_READ_PRICE_MISSING);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void recordingAgainKeepsTheFirstUseAndMovesTheLastUse(Backend backend) {
    try (Ledger ledger = open(backend)) {
      PriceHistory history = new PriceHistory(ledger);
      history.record(PriceFiles.defaultTable());
      clock.advance(Duration.ofDays(3));
      history.record(PriceFiles.defaultTable());

      List<StoredPriceTable> versions = history.versions();
      assertThat(versions).hasSize(1);
      StoredPriceTable stored = versions.get(0);
      assertThat(stored.version()).isEqualTo(PriceFiles.defaultTable().version());
      assertThat(stored.firstUsedAt()).isEqualTo(T0);
      assertThat(stored.lastUsedAt()).isEqualTo(T0.plus(Duration.ofDays(3)));
      assertThat(stored.models()).isEqualTo(PriceFiles.defaultTable().pricedModels());
      assertThat(stored.content()).as("listings leave the entries out").isNull();
    }
  }

  @Test
  void aHashPrefixNamesAVersionAndAnAmbiguousOrUnknownOneIsRefused() throws Exception {
    PriceTable a = override("a.json", "{\"gpt-4o-mini\": {\"input_cost_per_token\": 1e-7}}");
    PriceTable b = override("b.json", "{\"gpt-4o-mini\": {\"input_cost_per_token\": 2e-7}}");
    try (Ledger ledger = open(Backend.SQLITE)) {
      PriceHistory history = new PriceHistory(ledger);
      history.record(a);
      history.record(b);
      String hash = a.version().substring(a.version().lastIndexOf(':') + 1);

      assertThat(history.table(hash.substring(0, 10)).version()).isEqualTo(a.version());
      // the packaged table's hash is inside both overrides' versions, but is its own hash only
      String packaged = PriceFiles.defaultTable().version();
      history.record(PriceFiles.defaultTable());
      String packagedHash = packaged.substring(packaged.lastIndexOf(':') + 1);
      assertThat(history.table(packagedHash.substring(0, 8).toUpperCase()).version())
          .isEqualTo(packaged);
      assertThatThrownBy(() -> history.table("overrides-sha256"))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("matches 2 recorded versions")
          .hasMessageContaining("give more of it");
      assertThatThrownBy(() -> history.table("0123456789abcdef"))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("is not recorded in the ledger")
          .hasMessageContaining("tokenledger prices versions");
      assertThatThrownBy(() -> history.table(hash.substring(0, 3)))
          .as("too short to be taken as a part of a version")
          .isInstanceOf(ConfigurationException.class);
    }
  }
}
