package dev.tokenledger.pricing;

import dev.tokenledger.Require;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The cost of one usage row (a model, its tokens, batch flag and service tier) priced from one
 * price table. A PRICED cost has its three parts; an UNPRICED one has none, never zero.
 *
 * @param model the model name as the usage row gives it
 * @param status {@link CostStatus#PRICED} or {@link CostStatus#UNPRICED}
 * @param parts the amounts, present exactly when priced
 * @param tier the price list used
 * @param flags what a reader should know about how it was priced
 * @param match the table entry and lookup rule, present exactly when priced
 * @param priceTableVersion the {@link PriceTable#version()} of the table used
 */
public record Cost(
    String model,
    CostStatus status,
    Optional<CostParts> parts,
    PriceTier tier,
    Set<CostFlag> flags,
    Optional<PriceMatch> match,
    String priceTableVersion) {

  public Cost {
    Require.nonNull("model tier priceTableVersion", model, tier, priceTableVersion);
    Require.nonNull("status parts match", status, parts, match); // the rule below ties them
    if (status == CostStatus.PARTIAL) {
      throw new IllegalArgumentException("a single cost is PRICED or UNPRICED, never PARTIAL");
    }
    if ((status == CostStatus.PRICED) != parts.isPresent()
        || (status == CostStatus.PRICED) != match.isPresent()) {
      throw new IllegalArgumentException(
          "a PRICED cost has parts and a price match, an UNPRICED one has neither");
    }
    flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
  }

  /** Whether this cost has an amount. */
  public boolean isPriced() {
    return status == CostStatus.PRICED;
  }

  /** The total in USD, unrounded; empty when UNPRICED. */
  public Optional<BigDecimal> total() {
    return parts.map(CostParts::total);
  }

  /** The table key the price was found under, e.g. {@code gpt-4o-mini} for a dated name. */
  public Optional<String> modelKey() {
    return match.map(PriceMatch::modelKey);
  }

  /** The lookup rule that found the price. */
  public Optional<LookupRule> rule() {
    return match.map(PriceMatch::rule);
  }
}
