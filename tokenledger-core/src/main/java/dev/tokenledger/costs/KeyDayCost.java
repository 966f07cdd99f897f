package dev.tokenledger.costs;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.pricing.CostTotal;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One key's day: the dollars the Costs API billed, the dollars estimated from the Usage API's
 * tokens and the price table, and what may explain a difference.
 *
 * @param day the UTC midnight the day starts at
 * @param projectId the project, or {@code null} when the API gave none
 * @param apiKeyId the key id ({@code key_…}), or {@code null} for costs no key is named for
 * @param billed the billed USD (sum of the line items), unrounded
 * @param estimated usage × price, with its status (PARTIAL or UNPRICED when models lack a price)
 * @param tokens the tokens the estimate is made of
 * @param causes what may explain a difference, in the order found
 * @param flagged whether the difference is above the tolerance
 */
public record KeyDayCost(
    Instant day,
    String projectId,
    String apiKeyId,
    BigDecimal billed,
    CostTotal estimated,
    TokenCounts tokens,
    List<CostCause> causes,
    boolean flagged) {

  public KeyDayCost {
    Require.nonNull("day billed estimated tokens", day, billed, estimated, tokens);
    causes = List.copyOf(causes);
  }

  /** Estimated minus billed USD; empty when nothing could be estimated (every model unpriced). */
  public Optional<BigDecimal> difference() {
    return estimated.total().map(e -> e.subtract(billed));
  }

  /**
   * The difference relative to the bill ({@code 0.05}: the estimate is 5 % above the bill); empty
   * when nothing was billed or nothing could be estimated.
   */
  public Optional<BigDecimal> ratio() {
    if (billed.signum() == 0) {
      return Optional.empty();
    }
    return difference().map(d -> d.divide(billed, MathContext.DECIMAL64));
  }
}
