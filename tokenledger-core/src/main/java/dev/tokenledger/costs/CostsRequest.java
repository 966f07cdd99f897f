package dev.tokenledger.costs;

import dev.tokenledger.Require;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What to compare: the days of {@code [start, end)} (widened to whole UTC days), optionally only
 * some keys and projects, and the relative difference above which a key's day is flagged.
 *
 * @param start first instant (floored to a UTC midnight)
 * @param end end, exclusive (ceiled to a UTC midnight)
 * @param apiKeyIds only these keys; empty for all
 * @param projectIds only these projects; empty for all
 * @param tolerance the largest relative difference not flagged, e.g. {@code 0.02} for 2 %
 */
public record CostsRequest(
    Instant start,
    Instant end,
    List<String> apiKeyIds,
    List<String> projectIds,
    BigDecimal tolerance) {

  /** The tolerance when none is given: 2 %. */
  public static final BigDecimal DEFAULT_TOLERANCE = new BigDecimal("0.02");

  public CostsRequest {
    Require.window("the window", start, end);
    apiKeyIds = List.copyOf(apiKeyIds);
    projectIds = List.copyOf(projectIds);
    Objects.requireNonNull(tolerance, "tolerance");
    if (tolerance.signum() < 0) {
      throw new IllegalArgumentException(
          "tolerance cannot be negative, was " + tolerance.toPlainString());
    }
  }
}
