package dev.tokenledger.report;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.pricing.CostTotal;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of a report: a group's reconciled tokens and their cost recomputed from the price table.
 *
 * @param key the group's value for each of the report's dimensions, in their order
 * @param tokens input (with cached), cached input, output and requests
 * @param cost the cost of every line of the group, with its completeness
 * @param runs how many runs contributed
 * @param notFinalRuns how many of them are not final yet (their figures may still change)
 * @param apportioned whether a part of the figures was apportioned between runs or steps
 * @param lowerBound the least the group can have used, empty when the group is split by model
 * @param upperBound the most the group can have used, empty when the group is split by model
 */
public record ReportRow(
    List<String> key,
    TokenCounts tokens,
    CostTotal cost,
    int runs,
    int notFinalRuns,
    boolean apportioned,
    Optional<TokenCounts> lowerBound,
    Optional<TokenCounts> upperBound) {

  public ReportRow {
    key = List.copyOf(key);
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(cost, "cost");
    Objects.requireNonNull(lowerBound, "lowerBound");
    Objects.requireNonNull(upperBound, "upperBound");
  }

  /** Whether every run of the row is final. */
  public boolean isFinal() {
    return notFinalRuns == 0;
  }

  /** {@code exact} or {@code apportioned}. */
  public String exactness() {
    return apportioned ? "apportioned" : "exact";
  }

  /** Cached input over input, 0 to 1 with four decimals; empty when there was no input. */
  public Optional<BigDecimal> cacheHitRate() {
    if (tokens.input() == 0) {
      return Optional.empty();
    }
    return Optional.of(
        BigDecimal.valueOf(tokens.cachedInput())
            .divide(BigDecimal.valueOf(tokens.input()), 4, RoundingMode.HALF_UP));
  }
}
