package dev.tokenledger.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Which reconciled runs a report covers and how it groups them. Every filter is optional (null);
 * times filter on the run's start, half-open {@code [from, to)}.
 *
 * @param status only runs whose reconcile status is this (e.g. {@code final}), or null for all
 * @param by the groupings, at least one
 */
public record ReportQuery(
    String experiment,
    String framework,
    Instant from,
    Instant to,
    String status,
    List<ReportDimension> by) {

  public ReportQuery {
    by = List.copyOf(Objects.requireNonNull(by, "by"));
    if (by.isEmpty()) {
      throw new IllegalArgumentException("a report groups by at least one dimension");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
    }
  }

  /** Every run, grouped by {@code by}. */
  public static ReportQuery by(ReportDimension... by) {
    return new ReportQuery(null, null, null, null, null, List.of(by));
  }

  /** Whether a filter (experiment, framework, start, end or status) narrows the runs. */
  public boolean isFiltered() {
    return experiment != null || framework != null || from != null || to != null || status != null;
  }

  /** Whether the report groups by {@code dimension}. */
  public boolean groups(ReportDimension dimension) {
    return by.contains(dimension);
  }
}
