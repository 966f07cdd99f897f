package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-token prices (USD, exact decimals as written in the price file) of one price table entry,
 * and the key it is listed under. Input and output prices are always present; the others are
 * optional.
 */
public record ModelPrice(String key, Optional<String> mode, Map<PriceField, BigDecimal> prices) {

  public ModelPrice {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(mode, "mode");
    EnumMap<PriceField, BigDecimal> copy = new EnumMap<>(PriceField.class);
    copy.putAll(prices);
    for (PriceField required : new PriceField[] {PriceField.INPUT, PriceField.OUTPUT}) {
      if (!copy.containsKey(required)) {
        throw new IllegalArgumentException(key + " has no " + required.jsonName());
      }
    }
    copy.forEach(
        (field, price) -> {
          if (price.signum() < 0) {
            throw new IllegalArgumentException(
                key + "." + field.jsonName() + " cannot be negative, was " + price.toPlainString());
          }
        });
    prices = Collections.unmodifiableMap(copy);
  }

  /** The price of one field, if the table has it (the tiers' prices are read this way). */
  public Optional<BigDecimal> price(PriceField field) {
    return Optional.ofNullable(prices.get(field));
  }

  /** The price of a token kind in a tier, if the table has it. */
  public Optional<BigDecimal> price(PriceField.Kind kind, PriceTier tier) {
    return PriceField.of(kind, tier).flatMap(this::price);
  }

  /** Standard price per uncached input token. */
  public BigDecimal input() {
    return prices.get(PriceField.INPUT);
  }

  /** Standard price per output token. */
  public BigDecimal output() {
    return prices.get(PriceField.OUTPUT);
  }

  /** Standard price per cached input token. */
  public Optional<BigDecimal> cacheRead() {
    return price(PriceField.CACHE_READ);
  }
}
