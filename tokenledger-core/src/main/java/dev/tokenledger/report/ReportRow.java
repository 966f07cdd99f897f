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
 * @param metering what the group's metered runs add (docs/metering.md)
 */
public record ReportRow(
    List<String> key,
    TokenCounts tokens,
    CostTotal cost,
    int runs,
    int notFinalRuns,
    boolean apportioned,
    Optional<TokenCounts> lowerBound,
    Optional<TokenCounts> upperBound,
    Metering metering) {

  /**
   * The metered runs of a row.
   *
   * @param meteredRuns runs whose figures are their metered requests
   * @param unauditedRuns of those, the ones the Usage API has not audited yet (status metered)
   * @param unmeteredRuns runs flagged unmetered: the Usage API showed more in their minutes
   * @param unmetered how much more (each such run's minutes counted once per run)
   * @param usageUnknownRequests metered requests whose usage is unknown (counted, never as zero)
   */
  public record Metering(
      int meteredRuns,
      int unauditedRuns,
      int unmeteredRuns,
      TokenCounts unmetered,
      long usageUnknownRequests) {
    public static final Metering NONE = new Metering(0, 0, 0, TokenCounts.ZERO, 0);
  }

  /** A row without metered runs. */
  public ReportRow(
      List<String> key,
      TokenCounts tokens,
      CostTotal cost,
      int runs,
      int notFinalRuns,
      boolean apportioned,
      Optional<TokenCounts> lowerBound,
      Optional<TokenCounts> upperBound) {
    this(key, tokens, cost, runs, notFinalRuns, apportioned, lowerBound, upperBound, Metering.NONE);
  }

  public ReportRow {
    Objects.requireNonNull(metering, "metering");
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

  /**
   * {@code final}; {@code metered} when the only runs not final are metered ones the Usage API has
   * not audited yet; else {@code not_final}.
   */
  public String status() {
    if (notFinalRuns == 0) {
      return RunStatus.FINAL.label();
    }
    return notFinalRuns == metering.unauditedRuns() ? RunStatus.METERED.label() : "not_final";
  }

  /** {@code apportioned}, {@code metered} (every run metered) or {@code exact}. */
  public String exactness() {
    if (apportioned) {
      return "apportioned";
    }
    return runs > 0 && metering.meteredRuns() == runs ? MeteredRun.BASIS : "exact";
  }

  /**
   * Where the cost comes from: {@code usage×price} (reconciled Usage API tokens), {@code
   * local×price} (metered tokens), or both joined by {@code +}.
   */
  public String costSource() {
    if (metering.meteredRuns() == 0) {
      return ReportBuilder.COST_SOURCE;
    }
    return metering.meteredRuns() == runs
        ? MeteredRun.COST_SOURCE
        : ReportBuilder.COST_SOURCE + "+" + MeteredRun.COST_SOURCE;
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
