package dev.tokenledger.report;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Basis;
import dev.tokenledger.pricing.CostTotal;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
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

  public ReportRow {
    Require.nonNull("metering tokens cost", metering, tokens, cost);
    Require.nonNull("lowerBound upperBound", lowerBound, upperBound);
    key = List.copyOf(key);
  }

  /** Whether every run of the row is final. */
  public boolean isFinal() {
    return notFinalRuns == 0;
  }

  /** How final a row's runs are, as reports show it. */
  public enum Status {
    /** Every run is final. */
    FINAL,
    /** The only runs not final are metered ones the Usage API has not audited yet. */
    METERED,
    /** Some run is not final. */
    NOT_FINAL;

    /** The word JSON and CSV write, e.g. {@code not_final}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@link Status#FINAL}, {@link Status#METERED} or {@link Status#NOT_FINAL}. */
  public Status status() {
    if (notFinalRuns == 0) {
      return Status.FINAL;
    }
    return notFinalRuns == metering.unauditedRuns() ? Status.METERED : Status.NOT_FINAL;
  }

  /** {@code apportioned}, {@code metered} (every run metered) or {@code exact}. */
  public Basis exactness() {
    if (apportioned) {
      return Basis.APPORTIONED;
    }
    return runs > 0 && metering.meteredRuns() == runs ? Basis.METERED : Basis.EXACT;
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
