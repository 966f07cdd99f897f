package dev.tokenledger.ledger;

import static dev.tokenledger.ledger.internal.Sql.*;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import dev.tokenledger.ledger.internal.Sql;
import dev.tokenledger.ledger.internal.Sql.RowMapper;
import dev.tokenledger.ledger.internal.Statuses;
import dev.tokenledger.ledger.internal.Where;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a run's figures came from (docs/design.md §5): every attempt, the figures of the latest
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

  /**
   * A run's accepted figures: those of its latest successful attempt, with that attempt.
   *
   * @param figures the run's figure, and its steps' when they were asked for
   */
  public record Accepted(Attempt attempt, List<Figure> figures) {
    public Accepted {
      figures = List.copyOf(figures);
    }
  }

  /**
   * A run as a report reads it: what its rows are keyed by, its standing, and the figures of its
   * latest successful attempt.
   *
   * @param attemptId that attempt; null when no attempt of the run succeeded
   * @param figures that attempt's figures: the run's first, then its steps' when they were asked
   *     for; empty when no attempt succeeded
   */
  public record ReportedRun(
      String id,
      String framework,
      String apiKeyId,
      String projectId,
      Instant startedAt,
      ReconcileStatus reconcileStatus,
      Metering metering,
      Long attemptId,
      List<Figure> figures) {
    public ReportedRun {
      figures = List.copyOf(figures);
    }

    /** Whether the run's figures are its metered requests, as {@link RunRecord#metered()}. */
    public boolean metered() {
      return metering == Metering.METERED;
    }
  }

  /**
   * The runs {@code query} selects (its experiment, framework and start window; never a status or a
   * limit), in the order {@link Ledger#runs} gives them, each with the figures of its latest
   * successful attempt: one query, with only the columns a report shows.
   *
   * @param steps whether to read the steps' figures too, or the run's alone
   */
  public List<ReportedRun> reportedRuns(RunQuery query, boolean steps) {
    Where where = reported(query);
    String sql =
        "SELECT r.id, r.framework, r.api_key_id, r.project_id, r.started_at, r.reconcile_status,"
            + " r.metering, r.attempt_id, f.step_index, f.input_tokens, f.input_cached_tokens,"
            + " f.output_tokens, f.num_model_requests, f.exactness, f.lower_input_tokens,"
            + " f.lower_input_cached_tokens, f.lower_output_tokens, f.lower_num_model_requests,"
            + " f.upper_input_tokens, f.upper_input_cached_tokens, f.upper_output_tokens,"
            + " f.upper_num_model_requests, f.shared_minutes"
            + " FROM (SELECT id, framework, api_key_id, project_id, started_at, reconcile_status,"
            + " metering, "
            + LATEST_SUCCESSFUL
            + " AS attempt_id FROM runs "
            + where.then(") r")
            + " LEFT JOIN reconcile_figures f ON f.attempt_id = r.attempt_id"
            + (steps ? "" : " AND f.step_index IS NULL")
            + " ORDER BY r.started_at, r.id, COALESCE(f.step_index, -1)";
    return db.read(
        "cannot read the runs to report",
        c -> {
          ReportedRows rows = new ReportedRows();
          query(c, sql, where.args(), rows::add);
          return rows.finish();
        });
  }

  /**
   * The lines of the latest successful attempt of each run {@code query} selects but the metered
   * ones (whose figures are their metered requests), by attempt id, as {@link #lines(Collection,
   * boolean)} gives them: one query, which needs no {@link #reportedRuns} first, so that a report
   * can read both at once.
   *
   * @param steps whether to read the steps' lines too, or the run's alone
   */
  public Map<Long, List<LineFigure>> reportedLines(RunQuery query, boolean steps) {
    Where where =
        reported(query).and("(metering IS NULL OR metering <> ?)", Metering.METERED.stored());
    String sql =
        "SELECT l.reconcile_attempt_id, "
            + LINE_COLUMNS
            + " FROM (SELECT "
            + LATEST_SUCCESSFUL
            + " AS attempt_id FROM runs "
            + where.then(") r")
            + " JOIN attributions l ON l.reconcile_attempt_id = r.attempt_id"
            + (steps ? "" : " AND l.step_index IS NULL")
            + " ORDER BY l.reconcile_attempt_id, COALESCE(l.step_index, -1), l.id";
    return db.read(
        "cannot read the lines of the runs to report",
        c -> {
          Map<Long, List<LineFigure>> out = new HashMap<>();
          query(
              c,
              sql,
              where.args(),
              rs -> out.computeIfAbsent(rs.getLong(1), a -> new ArrayList<>()).add(line(rs)));
          return out;
        });
  }

  /**
   * {@code read} (what {@link #reportedLines} gave) completed for {@code runs} (what {@link
   * #reportedRuns} gave): the lines of each unmetered run's attempt that {@code read} does not hold
   * are read by attempt id. The two reads see the ledger at two moments, so a reconcile that
   * accepted a newer attempt in between would otherwise leave a run without lines; an attempt that
   * has none is asked for again and still has none.
   */
  public Map<Long, List<LineFigure>> completeLines(
      List<ReportedRun> runs, Map<Long, List<LineFigure>> read, boolean steps) {
    List<Long> unread = new ArrayList<>();
    for (ReportedRun run : runs) {
      if (!run.metered() && run.attemptId() != null && !read.containsKey(run.attemptId())) {
        unread.add(run.attemptId());
      }
    }
    if (unread.isEmpty()) {
      return read;
    }
    Map<Long, List<LineFigure>> complete = new HashMap<>(read);
    complete.putAll(lines(unread, steps));
    return complete;
  }

  /** Each run's latest successful attempt (as {@link #accepted} finds it), for {@code runs.id}. */
  private static final String LATEST_SUCCESSFUL =
      "(SELECT a.id FROM reconcile_attempts a WHERE a.run_id = runs.id AND a.input_tokens IS NOT"
          + " NULL ORDER BY a.attempted_at DESC, a.id DESC LIMIT 1)";

  /** The runs of a report: by experiment, framework and start window, as {@link Ledger#runs}. */
  private static Where reported(RunQuery query) {
    if (query.status() != null || query.limit() != null) {
      throw new IllegalArgumentException("a report selects runs by no status and no limit");
    }
    return new Where()
        .andIfGiven("experiment = ?", query.experiment())
        .andIfGiven("framework = ?", query.framework())
        .andIfGiven("started_at >= ?", Timestamps.format(query.since()))
        .andIfGiven("started_at < ?", Timestamps.format(query.until()));
  }

  /** Gathers the rows of {@link #reportedRuns}: a run's rows come together, one per figure. */
  private static final class ReportedRows {
    private final List<ReportedRun> out = new ArrayList<>();
    private final List<Figure> figures = new ArrayList<>();
    private ReportedRun run;

    void add(ResultSet rs) throws SQLException {
      String id = rs.getString(1);
      if (run == null || !run.id().equals(id)) {
        flush();
        long attempt = rs.getLong(8);
        Long attemptId = rs.wasNull() ? null : attempt;
        run =
            new ReportedRun(
                id,
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                Timestamps.parse(rs.getString(5)),
                Statuses.reconcileStatus(rs.getString(6)),
                Metering.of(rs.getString(7)),
                attemptId,
                List.of());
      }
      String exactness = rs.getString(14);
      if (exactness != null) {
        figures.add(
            new Figure(
                stepOrNull(rs, 9),
                counts(rs, 10),
                Statuses.exactness(exactness),
                counts(rs, 15),
                counts(rs, 19),
                rs.getInt(23)));
      }
    }

    private void flush() {
      if (run != null) {
        out.add(
            figures.isEmpty()
                ? run
                : new ReportedRun(
                    run.id(),
                    run.framework(),
                    run.apiKeyId(),
                    run.projectId(),
                    run.startedAt(),
                    run.reconcileStatus(),
                    run.metering(),
                    run.attemptId(),
                    figures));
        figures.clear();
      }
    }

    List<ReportedRun> finish() {
      flush();
      return out;
    }
  }

  /** Run {@code runId}'s reconciliation so far; empty when the ledger has no such run. */
  public Optional<Reconciliation> reconciliation(String runId) {
    return db.read(
        "cannot read the reconciliation of run " + runId,
        c -> {
          Map<String, Reconciliation> out = new HashMap<>();
          readReconciliations(c, List.of(runId), out);
          return Optional.ofNullable(out.get(runId));
        });
  }

  /**
   * The accepted figures of runs {@code runIds}, by run id; a run without a successful attempt (or
   * not in the ledger) is left out. Two queries per {@link Sql#CHUNK} runs, without the reads and
   * shared minutes a {@link Reconciliation} tells: what reports price.
   *
   * @param steps whether to read the steps' figures too, or the run's alone
   */
  public Map<String, Accepted> accepted(Collection<String> runIds, boolean steps) {
    return db.read(
        "cannot read the figures of " + runIds.size() + " runs",
        c -> {
          Map<String, Accepted> out = new HashMap<>();
          for (List<String> chunk : chunks(runIds)) {
            // each run's latest successful attempt alone: no successful one comes after it
            Map<Long, Attempt> from =
                latestSuccessful(
                    selectAttempts(
                        c,
                        "a WHERE "
                            + in("a.run_id", chunk.size())
                            + " AND a.input_tokens IS NOT NULL AND NOT EXISTS (SELECT 1"
                            + " FROM reconcile_attempts b WHERE b.run_id = a.run_id"
                            + " AND b.input_tokens IS NOT NULL AND (b.attempted_at > a.attempted_at"
                            + " OR (b.attempted_at = a.attempted_at AND b.id > a.id)))",
                        new ArrayList<>(chunk)));
            Map<Long, List<Figure>> figures = selectFigures(c, from.keySet(), steps);
            from.forEach(
                (id, a) ->
                    out.put(a.runId(), new Accepted(a, figures.getOrDefault(id, List.of()))));
          }
          return out;
        });
  }

  private static void readReconciliations(
      Connection c, List<String> runIds, Map<String, Reconciliation> out) throws SQLException {
    Map<String, Instant> accepted = new HashMap<>();
    query(
        c,
        "SELECT id, accepted_at FROM runs WHERE " + in("id", runIds.size()),
        runIds,
        rs -> accepted.put(rs.getString(1), Timestamps.parse(rs.getString(2))));
    if (accepted.isEmpty()) {
      return;
    }
    Map<String, List<Attempt>> attempts = new HashMap<>();
    for (Attempt a :
        selectAttempts(
            c,
            "WHERE " + in("run_id", runIds.size()) + " ORDER BY run_id, attempted_at, id",
            new ArrayList<>(runIds))) {
      attempts.computeIfAbsent(a.runId(), r -> new ArrayList<>()).add(a);
    }
    // the figures come from each run's latest successful attempt
    Map<Long, Attempt> from =
        latestSuccessful(attempts.values().stream().flatMap(List::stream).toList());
    Map<Long, List<Figure>> figures = selectFigures(c, from.keySet(), true);
    Map<Long, List<StoredRead>> reads = new HashMap<>();
    Map<Long, List<SharedMinute>> shared = Map.of();
    if (!from.isEmpty()) {
      List<Long> ids = List.copyOf(from.keySet());
      query(
          c,
          "SELECT a.attempt_id, r.id, r.endpoint, r.window_start, r.window_end, r.fetched_at,"
              + " r.http_requests, r.error, r.query FROM usage_reads r"
              + " JOIN reconcile_attempt_reads a ON a.read_id = r.id WHERE "
              + in("a.attempt_id", ids.size())
              + " ORDER BY a.attempt_id, r.id",
          ids,
          rs ->
              reads
                  .computeIfAbsent(rs.getLong(1), a -> new ArrayList<>())
                  .add(
                      new StoredRead(
                          rs.getLong(2),
                          rs.getString(3),
                          Timestamps.parse(rs.getString(4)),
                          Timestamps.parse(rs.getString(5)),
                          Timestamps.parse(rs.getString(6)),
                          rs.getInt(7),
                          rs.getString(8),
                          rs.getString(9))));
      shared =
          byAttempt(
              c,
              "shared_minutes",
              "attempt_id",
              "step_index, endpoint, minute, other_run_ids, other_step_indexes,"
                  + " bucket_input_tokens, bucket_input_cached_tokens, bucket_output_tokens,"
                  + " bucket_num_model_requests, share_input_tokens, share_input_cached_tokens,"
                  + " share_output_tokens, share_num_model_requests",
              ids,
              true,
              ", minute, id",
              rs ->
                  new SharedMinute(
                      stepOrNull(rs, 2),
                      Endpoint.fromWireName(rs.getString(3)),
                      Timestamps.parse(rs.getString(4)),
                      split(rs.getString(5)),
                      split(rs.getString(6)).stream()
                          .map(i -> StepIndex.of(Integer.parseInt(i)))
                          .toList(),
                      counts(rs, 7),
                      counts(rs, 11)));
    }
    for (String runId : runIds) {
      if (!accepted.containsKey(runId)) {
        continue;
      }
      List<Attempt> as = attempts.getOrDefault(runId, List.of());
      Attempt latest = null;
      for (Attempt a : as) {
        if (from.containsKey(a.id())) {
          latest = a;
        }
      }
      long id = latest == null ? -1 : latest.id();
      out.put(
          runId,
          new Reconciliation(
              as,
              latest,
              figures.getOrDefault(id, List.of()),
              reads.getOrDefault(id, List.of()),
              shared.getOrDefault(id, List.of()),
              accepted.get(runId)));
    }
  }

  /** Each run's latest successful attempt among {@code attempts} (in attempt order), by id. */
  private static Map<Long, Attempt> latestSuccessful(List<Attempt> attempts) {
    Map<String, Attempt> latest = new HashMap<>();
    for (Attempt a : attempts) {
      if (a.counts() != null) {
        latest.put(a.runId(), a);
      }
    }
    Map<Long, Attempt> out = new HashMap<>();
    latest.values().forEach(a -> out.put(a.id(), a));
    return out;
  }

  /** The figures of attempts {@code ids} by attempt: the run's first, then its steps' if asked. */
  private static Map<Long, List<Figure>> selectFigures(
      Connection c, Collection<Long> ids, boolean steps) throws SQLException {
    return byAttempt(
        c,
        "reconcile_figures",
        "attempt_id",
        "step_index, input_tokens, input_cached_tokens, output_tokens, num_model_requests,"
            + " exactness, lower_input_tokens, lower_input_cached_tokens, lower_output_tokens,"
            + " lower_num_model_requests, upper_input_tokens, upper_input_cached_tokens,"
            + " upper_output_tokens, upper_num_model_requests, shared_minutes",
        ids,
        steps,
        "",
        rs ->
            new Figure(
                stepOrNull(rs, 2),
                counts(rs, 3),
                Statuses.exactness(rs.getString(7)),
                counts(rs, 8),
                counts(rs, 12),
                rs.getInt(16)));
  }

  /**
   * The rows of {@code table} that belong to attempts {@code ids} ({@code attemptColumn}, the first
   * column the mapper sees, then {@code columns}), by attempt: each attempt's run rows (step_index
   * null) first, then, when {@code steps}, its steps' in order, each ordered further by {@code
   * then}. One query per {@link Sql#CHUNK} attempts.
   */
  private static <T> Map<Long, List<T>> byAttempt(
      Connection c,
      String table,
      String attemptColumn,
      String columns,
      Collection<Long> ids,
      boolean steps,
      String then,
      RowMapper<T> mapper)
      throws SQLException {
    Map<Long, List<T>> out = new HashMap<>();
    for (List<Long> chunk : chunks(ids)) {
      query(
          c,
          "SELECT "
              + attemptColumn
              + ", "
              + columns
              + " FROM "
              + table
              + " WHERE "
              + in(attemptColumn, chunk.size())
              + (steps ? "" : " AND step_index IS NULL")
              + " ORDER BY "
              + attemptColumn
              + ", COALESCE(step_index, -1)"
              + then,
          chunk,
          rs -> out.computeIfAbsent(rs.getLong(1), a -> new ArrayList<>()).add(mapper.map(rs)));
    }
    return out;
  }

  /**
   * The lines (model, tier, batch, project) of attempt {@code attemptId}: the run's (step null) and
   * each step's, as reports price them.
   */
  public List<LineFigure> lines(long attemptId) {
    return lines(List.of(attemptId), true).getOrDefault(attemptId, List.of());
  }

  /**
   * The lines of attempts {@code attemptIds}, by attempt id (an attempt without lines is left out):
   * one query per {@link Sql#CHUNK} attempts.
   *
   * @param steps whether to read the steps' lines too, or the run's alone
   */
  public Map<Long, List<LineFigure>> lines(Collection<Long> attemptIds, boolean steps) {
    return db.read(
        "cannot read the lines of " + attemptIds.size() + " reconcile attempts",
        c ->
            byAttempt(
                c,
                "attributions",
                "reconcile_attempt_id",
                LINE_COLUMNS,
                attemptIds,
                steps,
                ", id",
                ProvenanceStore::line));
  }

  private static final String LINE_COLUMNS =
      "read_id, step_index, endpoint, model, service_tier, batch, project_id, input_tokens,"
          + " input_cached_tokens, output_tokens, num_model_requests, exactness, shared_minutes,"
          + " shared_tokens";

  /** A line of {@link #LINE_COLUMNS}, which start at the second column. */
  private static LineFigure line(ResultSet rs) throws SQLException {
    Integer batch = intOrNull(rs, 7);
    return new LineFigure(
        rs.getLong(2),
        stepOrNull(rs, 3),
        Endpoint.fromWireName(rs.getString(4)),
        new UsageLine(
            rs.getString(5), rs.getString(6), batch == null ? null : batch != 0, rs.getString(8)),
        counts(rs, 9),
        Statuses.exactness(rs.getString(13)),
        rs.getInt(14),
        rs.getLong(15));
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
