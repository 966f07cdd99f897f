package dev.tokenledger.cli.prices;

import dev.tokenledger.pricing.LookupRule;
import dev.tokenledger.pricing.ModelPrice;
import dev.tokenledger.pricing.Money;
import dev.tokenledger.pricing.PriceField;
import dev.tokenledger.pricing.PriceFinding;
import dev.tokenledger.pricing.PriceTier;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Words and numbers the prices renderers share. */
final class PriceLabels {
  /** The token kinds shown per tier, in column order. */
  static final List<PriceField.Kind> KINDS =
      List.of(PriceField.Kind.INPUT, PriceField.Kind.CACHE_READ, PriceField.Kind.OUTPUT);

  private PriceLabels() {}

  static String wire(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** {@code input}, {@code cached_input} or {@code output}. */
  static String kind(PriceField.Kind kind) {
    return kind == PriceField.Kind.CACHE_READ ? "cached_input" : wire(kind);
  }

  static String rule(LookupRule rule) {
    return switch (rule) {
      case EXACT -> "exact name";
      case WITHOUT_DATE_SUFFIX -> "the name without its date suffix";
      case FINE_TUNED -> "the table's fine-tuning entry";
      case FINE_TUNED_AS_BASE_MODEL -> "its base model (fine-tuned inference usually costs more)";
    };
  }

  static String problem(PriceFinding.Kind kind) {
    return switch (kind) {
      case UNPRICED -> "unpriced";
      case FINE_TUNED_AS_BASE_MODEL -> "priced as base";
      case ZERO_PRICE -> "zero price";
      case IMPLAUSIBLE_PRICE -> "implausible price";
      case CACHE_READ_ABOVE_INPUT -> "cache above input";
      case TIER_PRICE_OUT_OF_RANGE -> "tier out of range";
    };
  }

  /** The price of a kind in a tier per million tokens, if the table has it. */
  static Optional<BigDecimal> perMillion(ModelPrice price, PriceField.Kind kind, PriceTier tier) {
    return price.price(kind, tier).map(Money::perMillionTokens);
  }

  /** Whether the table has any price of the tier. */
  static boolean hasTier(ModelPrice price, PriceTier tier) {
    return KINDS.stream().anyMatch(k -> price.price(k, tier).isPresent());
  }
}
