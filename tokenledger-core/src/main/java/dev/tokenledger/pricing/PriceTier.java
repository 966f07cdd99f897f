package dev.tokenledger.pricing;

import java.util.Locale;

/**
 * The price list a usage row is billed from: standard, Batch API, or the {@code flex} and {@code
 * priority} service tiers.
 */
public enum PriceTier {
  STANDARD,
  BATCH,
  FLEX,
  PRIORITY;

  /**
   * The tier of a Usage API {@code service_tier} value, or {@code null} when the value is not one
   * this table prices differently. {@code null}, empty, {@code default}, {@code auto} and {@code
   * standard} are {@link #STANDARD}.
   */
  static PriceTier ofServiceTier(String serviceTier) {
    if (serviceTier == null) {
      return STANDARD;
    }
    return switch (serviceTier.strip().toLowerCase(Locale.ROOT)) {
      case "", "default", "auto", "standard" -> STANDARD;
      case "flex" -> FLEX;
      case "priority" -> PRIORITY;
      default -> null;
    };
  }
}
