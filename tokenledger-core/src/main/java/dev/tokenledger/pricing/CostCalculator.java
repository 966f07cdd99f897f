package dev.tokenledger.pricing;

import dev.tokenledger.TokenCounts;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Prices token counts with one price table (docs/design.md §6): uncached input × input price +
 * cached input × cache-read price + output × output price, from the batch, flex or priority price
 * list when the row belongs to one. A missing tier or cache-read price falls back to the standard
 * or input price and flags the cost; a model the table does not know is UNPRICED, never $0.
 */
public final class CostCalculator {
  private final PriceTable table;

  public CostCalculator(PriceTable table) {
    this.table = Objects.requireNonNull(table, "table");
  }

  /** The table this calculator prices from. */
  public PriceTable priceTable() {
    return table;
  }

  /** The cost of a standard-tier, non-batch row. */
  public Cost cost(String model, TokenCounts tokens) {
    return cost(model, tokens, false, null);
  }

  /**
   * The cost of one usage row.
   *
   * @param model the model name as the Usage API reports it
   * @param tokens the row's counts; {@code input} includes {@code cachedInput}
   * @param batch whether the row is Batch API usage (its {@code *_batches} prices apply)
   * @param serviceTier the row's {@code service_tier}, or null when not grouped by it
   */
  public Cost cost(String model, TokenCounts tokens, boolean batch, String serviceTier) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(tokens, "tokens");
    Set<CostFlag> flags = EnumSet.noneOf(CostFlag.class);
    PriceTier tier;
    if (batch) {
      tier = PriceTier.BATCH;
    } else {
      tier = PriceTier.ofServiceTier(serviceTier);
      if (tier == null) {
        tier = PriceTier.STANDARD;
        flags.add(CostFlag.UNKNOWN_SERVICE_TIER);
      }
    }
    Optional<PriceMatch> found = table.lookup(model);
    if (found.isEmpty()) {
      flags.add(CostFlag.MODEL_NOT_FOUND);
      return new Cost(
          model,
          CostStatus.UNPRICED,
          Optional.empty(),
          tier,
          flags,
          Optional.empty(),
          table.version());
    }
    PriceMatch match = found.get();
    ModelPrice price = match.price();
    if (match.rule() == LookupRule.FINE_TUNED_AS_BASE_MODEL) {
      flags.add(CostFlag.FINE_TUNED_PRICED_AS_BASE);
    }
    BigDecimal inputPrice =
        tierPrice(price, PriceField.Kind.INPUT, tier, tokens.uncachedInput(), flags)
            .orElseGet(price::input);
    BigDecimal outputPrice =
        tierPrice(price, PriceField.Kind.OUTPUT, tier, tokens.output(), flags)
            .orElseGet(price::output);
    BigDecimal cachedPrice = cachedPrice(price, tier, inputPrice, tokens.cachedInput(), flags);
    CostParts parts =
        new CostParts(
            inputPrice.multiply(BigDecimal.valueOf(tokens.uncachedInput())),
            cachedPrice.multiply(BigDecimal.valueOf(tokens.cachedInput())),
            outputPrice.multiply(BigDecimal.valueOf(tokens.output())));
    return new Cost(
        model, CostStatus.PRICED, Optional.of(parts), tier, flags, found, table.version());
  }

  /**
   * The tier's price for {@code kind}; empty (the standard price applies) when the table has none,
   * flagged when tokens of that kind were actually priced that way.
   */
  private static Optional<BigDecimal> tierPrice(
      ModelPrice price, PriceField.Kind kind, PriceTier tier, long tokens, Set<CostFlag> flags) {
    if (tier == PriceTier.STANDARD) {
      return Optional.empty();
    }
    Optional<BigDecimal> p = price.price(kind, tier);
    if (p.isEmpty() && tokens > 0) {
      flags.add(CostFlag.tierPriceMissing(tier));
    }
    return p;
  }

  /**
   * The cache-read price of the tier, else the standard cache-read price, else the (tier's) input
   * price; each fallback flagged when cached tokens were priced with it.
   */
  private static BigDecimal cachedPrice(
      ModelPrice price, PriceTier tier, BigDecimal inputPrice, long cached, Set<CostFlag> flags) {
    Optional<BigDecimal> own = price.price(PriceField.Kind.CACHE_READ, tier);
    if (own.isPresent()) {
      return own.get();
    }
    Optional<BigDecimal> standard = price.cacheRead();
    if (standard.isPresent()) {
      if (tier != PriceTier.STANDARD && cached > 0) {
        flags.add(CostFlag.tierPriceMissing(tier));
      }
      return standard.get();
    }
    if (cached > 0) {
      flags.add(CostFlag.CACHE_READ_PRICE_MISSING);
    }
    return inputPrice;
  }
}
