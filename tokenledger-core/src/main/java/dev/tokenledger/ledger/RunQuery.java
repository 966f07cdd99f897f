package dev.tokenledger.ledger;

import java.time.Instant;

/**
 * Which runs to list: every field is optional; times filter on the start, half-open [since, until).
 */
public record RunQuery(
    String experiment,
    String framework,
    RecordingStatus status,
    Instant since,
    Instant until,
    Integer limit) {

  public RunQuery {
    if (limit != null && limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more but was " + limit);
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException(
          "since (" + since + ") must be before until (" + until + ")");
    }
  }

  /** Every run. */
  public static RunQuery all() {
    return new RunQuery(null, null, null, null, null, null);
  }

  public RunQuery withExperiment(String value) {
    return new RunQuery(value, framework, status, since, until, limit);
  }

  public RunQuery withFramework(String value) {
    return new RunQuery(experiment, value, status, since, until, limit);
  }

  public RunQuery withStatus(RecordingStatus value) {
    return new RunQuery(experiment, framework, value, since, until, limit);
  }

  public RunQuery withSince(Instant value) {
    return new RunQuery(experiment, framework, status, value, until, limit);
  }

  public RunQuery withUntil(Instant value) {
    return new RunQuery(experiment, framework, status, since, value, limit);
  }

  public RunQuery withLimit(Integer value) {
    return new RunQuery(experiment, framework, status, since, until, value);
  }
}
