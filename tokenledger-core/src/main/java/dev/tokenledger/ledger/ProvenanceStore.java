package dev.tokenledger.ledger;

import static dev.tokenledger.ledger.internal.Sql.*;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import dev.tokenledger.ledger.internal.Statuses;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a run's figures came from (DESIGN.md §5): every attempt, the figures of the latest
 * successful one with the reads it came from and the minutes it shared, the lines reports price,
 * and the reads taken after runs ended. Obtained from {@link Ledger#provenanceStore()}; every
 * method is one transaction.
 */
public final class ProvenanceStore {
  private static final String ATTEMPT_COLUMNS =
      "id, run_id, attempted_at, input_tokens, input_cached_tokens, output_tokens,"
          + " num_model_requests, status, error, stable_reads, audit, metered_input_tokens,"
          + " metered_input_cached_tokens, metered_output_tokens, metered_num_model_requests";

  private final Database db;

  ProvenanceStore(Database db) {
    this.db = db;
  }

  /**
   * A run's reconciliation as {@code run show} tells it: every attempt, and the figures of the
   * latest successful one with the reads it came from and the minutes it shared.
   *
   * @param figuresFrom the latest successful attempt, or null when none succeeded
   */
  public record Reconciliation(
      List<Attempt> attempts,
      Attempt figuresFrom,
      List<Figure> figures,
      List<StoredRead> reads,
      List<SharedMinute> sharedMinutes,
      Instant acceptedAt) {
    public Reconciliation {
      attempts = List.copyOf(attempts);
      figures = List.copyOf(figures);
      reads = List.copyOf(reads);
      sharedMinutes = List.copyOf(sharedMinutes);
    }

    /** The latest attempt, failed or not; null when there is none. */
    public Attempt latest() {
      return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }
  }

  /** A stored read, as provenance shows it. */
  public record StoredRead(
      long id,
      String endpoint,
      Instant windowStart,
      Instant windowEnd,
      Instant fetchedAt,
      int httpRequests,
      String error,
      String query) {}

  /** A successful attempt of a run taken after the run ended: the stuff of delays seen. */
  public record ReadAfterEnd(String runId, Instant runEnd, Instant at, TokenCounts counts) {}

  /** Run {@code runId}'s reconciliation so far; empty when the ledger has no such run. */
  public Optional<Reconciliation> reconciliation(String runId) {
    return db.read(
        "cannot read the reconciliation of run " + runId,
        c -> {
          List<Instant> accepted = new ArrayList<>();
          boolean[] exists = {false};
          query(
              c,
              "SELECT accepted_at FROM runs WHERE id = ?",
              List.of(runId),
              rs -> {
                exists[0] = true;
                accepted.add(Timestamps.parse(rs.getString(1)));
              });
          if (!exists[0]) {
            return Optional.empty();
          }
          List<Attempt> attempts =
              selectAttempts(c, "WHERE run_id = ? ORDER BY attempted_at, id", List.of(runId));
          Attempt from = null;
          for (Attempt a : attempts) {
            if (a.counts() != null) {
              from = a;
            }
          }
          List<Figure> figures = new ArrayList<>();
          List<StoredRead> reads = new ArrayList<>();
          List<SharedMinute> shared = new ArrayList<>();
          if (from != null) {
            List<Object> args = List.of(from.id());
            query(
                c,
                "SELECT step_index, input_tokens, input_cached_tokens, output_tokens,"
                    + " num_model_requests, exactness, lower_input_tokens,"
                    + " lower_input_cached_tokens, lower_output_tokens, lower_num_model_requests,"
                    + " upper_input_tokens, upper_input_cached_tokens, upper_output_tokens,"
                    + " upper_num_model_requests, shared_minutes FROM reconcile_figures"
                    + " WHERE attempt_id = ? ORDER BY COALESCE(step_index, -1)",
                args,
                rs ->
                    figures.add(
                        new Figure(
                            stepOrNull(rs, 1),
                            counts(rs, 2),
                            "apportioned".equals(rs.getString(6)),
                            counts(rs, 7),
                            counts(rs, 11),
                            rs.getInt(15))));
            query(
                c,
                "SELECT r.id, r.endpoint, r.window_start, r.window_end, r.fetched_at,"
                    + " r.http_requests, r.error, r.query FROM usage_reads r"
                    + " JOIN reconcile_attempt_reads a ON a.read_id = r.id"
                    + " WHERE a.attempt_id = ? ORDER BY r.id",
                args,
                rs ->
                    reads.add(
                        new StoredRead(
                            rs.getLong(1),
                            rs.getString(2),
                            Timestamps.parse(rs.getString(3)),
                            Timestamps.parse(rs.getString(4)),
                            Timestamps.parse(rs.getString(5)),
                            rs.getInt(6),
                            rs.getString(7),
                            rs.getString(8))));
            query(
                c,
                "SELECT step_index, endpoint, minute, other_run_ids, other_step_indexes,"
                    + " bucket_input_tokens, bucket_input_cached_tokens, bucket_output_tokens,"
                    + " bucket_num_model_requests, share_input_tokens, share_input_cached_tokens,"
                    + " share_output_tokens, share_num_model_requests FROM shared_minutes"
                    + " WHERE attempt_id = ? ORDER BY COALESCE(step_index, -1), minute, id",
                args,
                rs ->
                    shared.add(
                        new SharedMinute(
                            stepOrNull(rs, 1),
                            Endpoint.fromWireName(rs.getString(2)),
                            Timestamps.parse(rs.getString(3)),
                            split(rs.getString(4)),
                            split(rs.getString(5)).stream()
                                .map(i -> StepIndex.of(Integer.parseInt(i)))
                                .toList(),
                            counts(rs, 6),
                            counts(rs, 10))));
          }
          return Optional.of(
              new Reconciliation(attempts, from, figures, reads, shared, accepted.get(0)));
        });
  }

  /**
   * The lines (model, tier, batch, project) of attempt {@code attemptId}: the run's (step null) and
   * each step's, as reports price them.
   */
  public List<LineFigure> lines(long attemptId) {
    return db.read(
        "cannot read the lines of reconcile attempt " + attemptId,
        c -> {
          List<LineFigure> out = new ArrayList<>();
          query(
              c,
              "SELECT read_id, step_index, endpoint, model, service_tier, batch, project_id,"
                  + " input_tokens, input_cached_tokens, output_tokens, num_model_requests,"
                  + " exactness, shared_minutes, shared_tokens FROM attributions"
                  + " WHERE reconcile_attempt_id = ? ORDER BY COALESCE(step_index, -1), id",
              List.of(attemptId),
              rs -> {
                Integer batch = intOrNull(rs, 6);
                out.add(
                    new LineFigure(
                        rs.getLong(1),
                        stepOrNull(rs, 2),
                        Endpoint.fromWireName(rs.getString(3)),
                        new UsageLine(
                            rs.getString(4),
                            rs.getString(5),
                            batch == null ? null : batch != 0,
                            rs.getString(7)),
                        counts(rs, 8),
                        "apportioned".equals(rs.getString(12)),
                        rs.getInt(13),
                        rs.getLong(14)));
              });
          return out;
        });
  }

  /**
   * Every successful attempt taken after its run ended, of the runs that ended at or after {@code
   * endedSince}, by run and time: what the reporting delays seen are measured from.
   */
  public List<ReadAfterEnd> readsAfterEnd(Instant endedSince) {
    return db.read(
        "cannot read the reads taken after runs ended",
        c -> {
          List<ReadAfterEnd> out = new ArrayList<>();
          query(
              c,
              "SELECT a.run_id, r.ended_at, a.attempted_at, a.input_tokens, a.input_cached_tokens,"
                  + " a.output_tokens, a.num_model_requests FROM reconcile_attempts a"
                  + " JOIN runs r ON r.id = a.run_id WHERE a.input_tokens IS NOT NULL"
                  + " AND r.ended_at IS NOT NULL AND r.ended_at >= ? AND a.attempted_at > r.ended_at"
                  + " ORDER BY a.run_id, a.attempted_at, a.id",
              List.of(Timestamps.format(endedSince)),
              rs ->
                  out.add(
                      new ReadAfterEnd(
                          rs.getString(1),
                          Timestamps.parse(rs.getString(2)),
                          Timestamps.parse(rs.getString(3)),
                          counts(rs, 4))));
          return out;
        });
  }

  static List<Attempt> selectAttempts(Connection c, String whereAndOrder, List<Object> args)
      throws SQLException {
    List<Attempt> out = new ArrayList<>();
    query(
        c,
        "SELECT " + ATTEMPT_COLUMNS + " FROM reconcile_attempts " + whereAndOrder,
        args,
        rs -> {
          out.add(
              new Attempt(
                  rs.getLong(1),
                  rs.getString(2),
                  Timestamps.parse(rs.getString(3)),
                  countsOrNull(rs, 4),
                  Statuses.reconcileStatus(rs.getString(8)),
                  rs.getString(9),
                  rs.getInt(10),
                  rs.getString(11),
                  countsOrNull(rs, 12)));
        });
    return out;
  }
}
