package dev.tokenledger.ledger;

import static dev.tokenledger.ledger.internal.Sql.*;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.ClaimStore.Claim;
import dev.tokenledger.ledger.internal.Runs;
import dev.tokenledger.ledger.internal.Sql;
import dev.tokenledger.ledger.internal.Where;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reconcile pass reads and stores (docs/design.md §5, §7): the runs to settle with their
 * steps and attempts, and at a pass's end, in one transaction, the attempts with the figures, lines
 * and shared minutes of each, the statuses, unattributed usage and rechecks. Obtained from {@link
 * Ledger#settlementStore()}; every method is one transaction.
 */
public final class SettlementStore {
  private final Runs runs;
  private final Database db;
  private final Clock clock;

  SettlementStore(Runs runs, Database db, Clock clock) {
    this.runs = runs;
    this.db = db;
    this.clock = clock;
  }

  /**
   * Which runs a pass looks at: the given ids (any status), or else every run of the experiment and
   * framework (either may be null) that is not final, final ones too when {@code includeFinal}.
   */
  public record RunSelection(
      List<String> runIds, String experiment, String framework, boolean includeFinal) {
    public RunSelection {
      runIds = List.copyOf(runIds);
    }

    /** Every run not yet final. */
    public static RunSelection notFinal() {
      return new RunSelection(List.of(), null, null, false);
    }
  }

  /**
   * Everything settling needs to know about a run: the run, its steps, its attempts so far, and
   * when it is due to be read once more after becoming final ({@code recheckAt}, or null).
   */
  public record RunState(
      RunRecord run,
      List<StepRecord> steps,
      List<Attempt> attempts,
      Instant acceptedAt,
      TokenCounts localCounts,
      Instant recheckAt) {
    public RunState {
      steps = List.copyOf(steps);
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * When a final run is due to be read once more ({@code at}), or that it no longer is ({@code at}
   * null: the read was taken).
   */
  public record Recheck(String runId, Instant at) {
    public Recheck {
      Objects.requireNonNull(runId, "runId");
    }
  }

  /** The signed change of each counter since the previous successful read. */
  public record Change(long input, long cachedInput, long output, long requests) {}

  /**
   * One attempt to store for a claimed run: successful ({@code counts} set, with figures, lines and
   * shared minutes) or failed ({@code error} set).
   */
  public record AttemptRecord(
      String runId,
      Instant attemptedAt,
      List<Long> readIds,
      TokenCounts counts,
      String error,
      ReconcileStatus status,
      Change change,
      int stableReads,
      List<Figure> figures,
      List<LineFigure> lines,
      List<SharedMinute> sharedMinutes,
      String audit,
      TokenCounts metered) {

    /** An attempt of a run that is not metered. */
    public AttemptRecord(
        String runId,
        Instant attemptedAt,
        List<Long> readIds,
        TokenCounts counts,
        String error,
        ReconcileStatus status,
        Change change,
        int stableReads,
        List<Figure> figures,
        List<LineFigure> lines,
        List<SharedMinute> sharedMinutes) {
      this(
          runId,
          attemptedAt,
          readIds,
          counts,
          error,
          status,
          change,
          stableReads,
          figures,
          lines,
          sharedMinutes,
          null,
          null);
    }

    public AttemptRecord {
      Require.nonNull("runId attemptedAt status", runId, attemptedAt, status);
      if ((counts == null) == (error == null)) {
        throw new IllegalArgumentException(
            "an attempt of run " + runId + " has either counts or an error");
      }
      readIds = List.copyOf(readIds);
      figures = List.copyOf(figures);
      lines = List.copyOf(lines);
      sharedMinutes = List.copyOf(sharedMinutes);
    }
  }

  /** Usage of a key in a minute no run of the key covered, found in read {@code readId}. */
  public record Unattributed(long readId, UsageRow row) {}

  /**
   * What one pass stores at its end, in one transaction: the attempts of the runs it read, the
   * status of claimed runs it did not read (time moves runs from pending on), and unattributed
   * usage.
   */
  public record Settlement(
      List<AttemptRecord> attempts,
      Map<String, ReconcileStatus> statuses,
      List<Unattributed> unattributed,
      List<Recheck> rechecks) {
    public Settlement {
      attempts = List.copyOf(attempts);
      statuses = Map.copyOf(statuses);
      unattributed = List.copyOf(unattributed);
      rechecks = List.copyOf(rechecks);
    }

    /** A settlement that schedules no recheck. */
    public Settlement(
        List<AttemptRecord> attempts,
        Map<String, ReconcileStatus> statuses,
        List<Unattributed> unattributed) {
      this(attempts, statuses, unattributed, List.of());
    }
  }

  /** The runs {@code selection} names, oldest first; final runs whose recheck is due by now too. */
  public List<RunRecord> candidates(RunSelection selection) {
    return candidates(selection, clock.instant());
  }

  /**
   * The runs {@code selection} names, oldest first: without run ids, the runs not final and the
   * final runs due to be read once more by {@code now}.
   */
  public List<RunRecord> candidates(RunSelection selection, Instant now) {
    Where where = new Where();
    if (!selection.runIds().isEmpty()) {
      where.and(in("id", selection.runIds().size()), selection.runIds().toArray());
    }
    where
        .andIfGiven("experiment = ?", selection.experiment())
        .andIfGiven("framework = ?", selection.framework());
    if (selection.runIds().isEmpty() && !selection.includeFinal()) {
      where.and(
          "(reconcile_status <> 'final' OR (recheck_at IS NOT NULL AND recheck_at <= ?))",
          Timestamps.format(now));
    }
    return db.read(
        "cannot list the runs to reconcile",
        c -> runs.selectRuns(c, where.then("ORDER BY started_at, id"), where.args()));
  }

  /**
   * The runs of keys {@code apiKeyIds} whose window may reach into {@code [from, to)}: every run
   * that started before {@code to} and had not ended before {@code from}, settled or not.
   */
  public List<RunRecord> runsOfKeys(Collection<String> apiKeyIds, Instant from, Instant to) {
    List<RunRecord> out = new ArrayList<>();
    for (List<String> chunk : chunks(apiKeyIds)) {
      List<Object> args = new ArrayList<>(chunk);
      args.add(Timestamps.format(to));
      args.add(Timestamps.format(from));
      out.addAll(
          db.read(
              "cannot read the runs of the keys read",
              c ->
                  runs.selectRuns(
                      c,
                      "WHERE "
                          + in("api_key_id", chunk.size())
                          + " AND started_at < ? AND (ended_at IS NULL OR ended_at >= ?)"
                          + " ORDER BY started_at, id",
                      args)));
    }
    out.removeIf(r -> r.effectiveEnd() != null && r.effectiveEnd().isBefore(from));
    return out;
  }

  /** Runs, steps, attempts, acceptance and local counts of {@code runIds}, in the given order. */
  public List<RunState> states(Collection<String> runIds) {
    Map<String, RunRecord> runs = new HashMap<>();
    Map<String, List<StepRecord>> steps = new HashMap<>();
    Map<String, List<Attempt>> attempts = new HashMap<>();
    Map<String, Instant> accepted = new HashMap<>();
    Map<String, TokenCounts> local = new HashMap<>();
    Map<String, Instant> rechecks = new HashMap<>();
    for (List<String> chunk : chunks(runIds)) {
      String ids = in("id", chunk.size());
      String runIdsIn = in("run_id", chunk.size());
      List<Object> args = new ArrayList<>(chunk);
      db.read(
          "cannot read the runs to reconcile",
          c -> {
            for (RunRecord r : this.runs.selectRuns(c, "WHERE " + ids, args)) {
              runs.put(r.id(), r);
            }
            for (StepRecord s :
                this.runs.selectSteps(
                    c, "WHERE " + runIdsIn + " ORDER BY run_id, step_index", args)) {
              steps.computeIfAbsent(s.runId(), k -> new ArrayList<>()).add(s);
            }
            for (Attempt a :
                ProvenanceStore.selectAttempts(
                    c, "WHERE " + runIdsIn + " ORDER BY run_id, attempted_at, id", args)) {
              attempts.computeIfAbsent(a.runId(), k -> new ArrayList<>()).add(a);
            }
            query(
                c,
                "SELECT id, accepted_at FROM runs WHERE accepted_at IS NOT NULL AND " + ids,
                args,
                rs -> accepted.put(rs.getString(1), Timestamps.parse(rs.getString(2))));
            query(
                c,
                "SELECT id, recheck_at FROM runs WHERE recheck_at IS NOT NULL AND " + ids,
                args,
                rs -> rechecks.put(rs.getString(1), Timestamps.parse(rs.getString(2))));
            query(
                c,
                "SELECT run_id, SUM(input_tokens), SUM(input_cached_tokens), SUM(output_tokens),"
                    + " SUM(num_model_requests) FROM metered_requests"
                    + " WHERE usage_state = 'reported' AND "
                    + runIdsIn
                    + " GROUP BY run_id",
                args,
                rs ->
                    local.put(
                        rs.getString(1),
                        new TokenCounts(
                            rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))));
            return null;
          });
    }
    List<RunState> out = new ArrayList<>();
    for (String id : new LinkedHashSet<>(runIds)) {
      RunRecord run = runs.get(id);
      if (run != null) {
        out.add(
            new RunState(
                run,
                steps.getOrDefault(id, List.of()),
                attempts.getOrDefault(id, List.of()),
                accepted.get(id),
                local.get(id),
                rechecks.get(id)));
      }
    }
    return out;
  }

  /**
   * Records that a person accepted run {@code runId}'s figures at {@code at} ({@code reconcile
   * --accept}).
   */
  public void accept(String runId, Instant at) {
    db.inTransaction(
        "cannot accept run " + runId,
        c -> {
          if (Sql.update(
                  c, "UPDATE runs SET accepted_at = ? WHERE id = ?", Timestamps.format(at), runId)
              == 0) {
            throw LedgerException.noSuchRun(runId, db.location().displayName());
          }
          return null;
        });
  }

  /**
   * Stores what a pass found, in one transaction, and gives up its claim: nothing is stored when
   * the claim on any run it writes was lost (another reconciler took it over after it expired).
   */
  public void storeSettlement(Claim claim, Settlement settlement) {
    db.inTransaction(
        "cannot store the reconciled figures",
        c -> {
          Set<String> held = new LinkedHashSet<>();
          query(
              c,
              "SELECT run_id FROM reconcile_leases WHERE holder = ?",
              List.of(claim.holder()),
              rs -> held.add(rs.getString(1)));
          Set<String> attempted = new HashSet<>();
          for (AttemptRecord a : settlement.attempts()) {
            requireHeld(held, a.runId());
            if (!attempted.add(a.runId())) {
              throw new IllegalArgumentException(
                  "a settlement holds one attempt per run, but run " + a.runId() + " has two");
            }
          }
          for (String runId : settlement.statuses().keySet()) {
            requireHeld(held, runId);
          }
          insertAttempts(c, settlement.attempts());
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE runs SET reconcile_status = ? WHERE id = ?")) {
            for (Map.Entry<String, ReconcileStatus> e : settlement.statuses().entrySet()) {
              Sql.bind(ps, e.getValue().label(), e.getKey());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          insertUnattributed(c, settlement.unattributed());
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE runs SET recheck_at = ? WHERE id = ?")) {
            for (Recheck r : settlement.rechecks()) {
              requireHeld(held, r.runId());
              Sql.bind(ps, r.at() == null ? null : Timestamps.format(r.at()), r.runId());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          ClaimStore.releaseAll(c, claim.holder());
          return null;
        });
  }

  private void requireHeld(Set<String> held, String runId) {
    if (!held.contains(runId)) {
      throw new LedgerException(
          "the claim on run "
              + runId
              + " was lost to another reconciler (it expired); nothing of this pass was stored,"
              + " run reconcile again");
    }
  }

  /**
   * Inserts the attempts and everything that hangs off them: each statement is prepared once and
   * its rows sent in batches as they are made, so a pass over many runs costs few round trips and
   * never holds all its rows at once.
   */
  private void insertAttempts(Connection c, List<AttemptRecord> attempts) throws SQLException {
    // one multi-row INSERT per chunk; a settlement holds one attempt per run, so the returned
    // run ids tell which id is whose
    Map<String, Long> idByRun = new HashMap<>();
    String columns =
        "INSERT INTO reconcile_attempts (run_id, attempted_at, read_id, input_tokens,"
            + " input_cached_tokens, output_tokens, num_model_requests, status, error,"
            + " delta_input_tokens, delta_input_cached_tokens, delta_output_tokens,"
            + " delta_num_model_requests, stable_reads, audit, metered_input_tokens,"
            + " metered_input_cached_tokens, metered_output_tokens, metered_num_model_requests)"
            + " VALUES ";
    for (int from = 0; from < attempts.size(); from += CHUNK) {
      List<AttemptRecord> chunk = attempts.subList(from, Math.min(attempts.size(), from + CHUNK));
      List<Object> args = new ArrayList<>();
      for (AttemptRecord a : chunk) {
        TokenCounts n = a.counts();
        Change d = a.change();
        args.addAll(
            Arrays.asList(
                a.runId(),
                Timestamps.format(a.attemptedAt()),
                a.readIds().isEmpty() ? null : a.readIds().get(0),
                n == null ? null : n.input(),
                n == null ? null : n.cachedInput(),
                n == null ? null : n.output(),
                n == null ? null : n.requests(),
                a.status().label(),
                a.error(),
                d == null ? null : d.input(),
                d == null ? null : d.cachedInput(),
                d == null ? null : d.output(),
                d == null ? null : d.requests(),
                a.stableReads(),
                a.audit(),
                a.metered() == null ? null : a.metered().input(),
                a.metered() == null ? null : a.metered().cachedInput(),
                a.metered() == null ? null : a.metered().output(),
                a.metered() == null ? null : a.metered().requests()));
      }
      String values =
          String.join(", ", Collections.nCopies(chunk.size(), "(" + placeholders(19) + ")"));
      query(
          c,
          columns + values + " RETURNING id, run_id",
          args,
          rs -> idByRun.put(rs.getString(2), rs.getLong(1)));
    }
    List<Long> ids = new ArrayList<>(attempts.size());
    for (AttemptRecord a : attempts) {
      Long id = idByRun.get(a.runId());
      if (id == null) {
        throw new SQLException("the insert of an attempt of run " + a.runId() + " gave no id");
      }
      ids.add(id);
    }
    batch(
        c,
        "INSERT INTO reconcile_attempt_reads (attempt_id, read_id) VALUES (?, ?)",
        attempts,
        ids,
        (a, id, rows) -> {
          for (long readId : new LinkedHashSet<>(a.readIds())) {
            rows.add(new Object[] {id, readId});
          }
        });
    batch(
        c,
        "INSERT INTO reconcile_figures (attempt_id, run_id, step_index, input_tokens,"
            + " input_cached_tokens, output_tokens, num_model_requests, exactness,"
            + " lower_input_tokens, lower_input_cached_tokens, lower_output_tokens,"
            + " lower_num_model_requests, upper_input_tokens, upper_input_cached_tokens,"
            + " upper_output_tokens, upper_num_model_requests, shared_minutes)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        attempts,
        ids,
        (a, id, rows) -> {
          for (Figure f : a.figures()) {
            List<Object> args = new ArrayList<>(List.of(id, a.runId()));
            args.add(index(f.step()));
            addCounts(args, f.total());
            args.add(f.exactness().label());
            addCounts(args, f.lowerBound());
            addCounts(args, f.upperBound());
            args.add(f.sharedMinutes());
            rows.add(args.toArray());
          }
        });
    String now = Timestamps.format(clock.instant());
    batch(
        c,
        "INSERT INTO attributions (read_id, reconcile_attempt_id, run_id, step_index, model,"
            + " service_tier, batch, input_tokens, input_cached_tokens, output_tokens,"
            + " num_model_requests, exactness, shared_minutes, shared_tokens, computed_at,"
            + " endpoint, project_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        attempts,
        ids,
        (a, id, rows) -> {
          for (LineFigure l : a.lines()) {
            List<Object> args = new ArrayList<>(List.of(l.readId(), id, a.runId()));
            args.add(index(l.step()));
            args.add(l.line().model());
            args.add(l.line().serviceTier());
            args.add(bool(l.line().batch()));
            addCounts(args, l.counts());
            args.add(l.exactness().label());
            args.add(l.sharedMinutes());
            args.add(l.sharedTokens());
            args.add(now);
            args.add(l.endpoint().wireName());
            args.add(l.line().projectId());
            rows.add(args.toArray());
          }
        });
    batch(
        c,
        "INSERT INTO shared_minutes (attempt_id, run_id, step_index, endpoint, minute,"
            + " other_run_ids, other_step_indexes, bucket_input_tokens,"
            + " bucket_input_cached_tokens, bucket_output_tokens, bucket_num_model_requests,"
            + " share_input_tokens, share_input_cached_tokens, share_output_tokens,"
            + " share_num_model_requests) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        attempts,
        ids,
        (a, id, rows) -> {
          for (SharedMinute m : a.sharedMinutes()) {
            List<Object> args = new ArrayList<>(List.of(id, a.runId()));
            args.add(index(m.step()));
            args.add(m.endpoint().wireName());
            args.add(Timestamps.format(m.minute()));
            args.add(String.join(",", m.otherRunIds()));
            args.add(joinSteps(m.otherSteps()));
            addCounts(args, m.bucket());
            addCounts(args, m.share());
            rows.add(args.toArray());
          }
        });
    batch(
        c,
        "UPDATE runs SET reconcile_status = ? WHERE id = ?",
        attempts,
        ids,
        (a, id, rows) -> rows.add(new Object[] {a.status().label(), a.runId()}));
  }

  /** Adds the rows one attempt (with its new id) contributes to a batch. */
  @FunctionalInterface
  private interface BatchRows {
    void add(AttemptRecord attempt, long attemptId, Sql.Batch rows) throws SQLException;
  }

  /** Runs {@code sql} once per row of every attempt, sent as they are made, not gathered first. */
  private static void batch(
      Connection c, String sql, List<AttemptRecord> attempts, List<Long> ids, BatchRows rowsOf)
      throws SQLException {
    try (Sql.Batch rows = new Sql.Batch(c, sql)) {
      for (int i = 0; i < attempts.size(); i++) {
        rowsOf.add(attempts.get(i), ids.get(i), rows);
      }
      rows.send();
    }
  }

  /**
   * Step indexes as the ledger stores them, comma-joined (a stream per shared minute cost more).
   */
  private static String joinSteps(List<StepIndex> steps) {
    StringBuilder out = new StringBuilder();
    for (StepIndex s : steps) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(s);
    }
    return out.toString();
  }

  private static void insertUnattributed(Connection c, List<Unattributed> rows)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO unattributed_usage (read_id, api_key_id, project_id, model, service_tier,"
                + " batch, bucket_start, bucket_end, input_tokens, input_cached_tokens,"
                + " output_tokens, num_model_requests) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?)")) {
      for (Unattributed u : rows) {
        UsageRow r = u.row();
        Sql.bind(
            ps,
            u.readId(),
            r.apiKeyId(),
            r.projectId(),
            r.model(),
            r.serviceTier(),
            bool(r.batch()),
            Timestamps.format(r.minute()),
            Timestamps.format(r.minute().plusSeconds(60)),
            r.counts().input(),
            r.counts().cachedInput(),
            r.counts().output(),
            r.counts().requests());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
