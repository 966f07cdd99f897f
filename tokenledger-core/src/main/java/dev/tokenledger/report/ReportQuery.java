package dev.tokenledger.report;

import dev.tokenledger.ModelFilter;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which reconciled runs a report covers and how it groups them. Every filter is optional (null);
 * times filter on the run's start, half-open {@code [from, to)}.
 *
 * @param status only runs whose status ({@link RunStatus#label()}) is this word (e.g. {@code
 *     final}); a word no status has matches no run; null for all
 * @param by the groupings, at least one
 * @param models only usage of these models ({@code --model}; an undated name takes in its dated
 *     snapshots); runs that used none of them are left out
 */
public record ReportQuery(
    String experiment,
    String framework,
    Instant from,
    Instant to,
    String status,
    List<ReportDimension> by,
    ModelFilter models) {

  public ReportQuery {
    by = List.copyOf(Objects.requireNonNull(by, "by"));
    models = models == null ? ModelFilter.ALL : models;
    if (by.isEmpty()) {
      throw new IllegalArgumentException("a report groups by at least one dimension");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
    }
  }

  /** A query of every model. */
  public ReportQuery(
      String experiment,
      String framework,
      Instant from,
      Instant to,
      String status,
      List<ReportDimension> by) {
    this(experiment, framework, from, to, status, by, ModelFilter.ALL);
  }

  /** Every run, grouped by {@code by}. */
  public static ReportQuery by(ReportDimension... by) {
    return new ReportQuery(null, null, null, null, null, List.of(by));
  }

  /** Whether a filter (experiment, framework, start, end or status) narrows the runs. */
  public boolean isFiltered() {
    return experiment != null
        || framework != null
        || from != null
        || to != null
        || status != null
        || !models.isAll();
  }

  /** Whether the status filter lets a run of status {@code s} through. */
  public boolean admits(RunStatus s) {
    return status == null || RunStatus.ofLabel(status).equals(Optional.of(s));
  }

  /** Whether the report groups by {@code dimension}. */
  public boolean groups(ReportDimension dimension) {
    return by.contains(dimension);
  }
}
