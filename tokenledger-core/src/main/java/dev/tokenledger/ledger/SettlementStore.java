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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
    Where where = candidateWhere(selection, now);
    return db.read(
        "cannot list the runs to reconcile",
        c -> runs.selectRuns(c, where.then("ORDER BY started_at, id"), where.args()));
  }

  /**
   * The ids of the runs {@link #candidates(RunSelection, Instant)} gives, in its order: what a pass
   * claims, without reading each run whole (it reads the runs it claimed, with their steps).
   */
  public List<String> candidateIds(RunSelection selection, Instant now) {
    Where where = candidateWhere(selection, now);
    return db.read(
        "cannot list the runs to reconcile",
        c ->
            list(
                c,
                "SELECT id FROM runs " + where.then("ORDER BY started_at, id"),
                rs -> rs.getString(1),
                where.args().toArray()));
  }

  private static Where candidateWhere(RunSelection selection, Instant now) {
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
    return where;
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
                "SELECT id, accepted_at, recheck_at FROM runs"
                    + " WHERE (accepted_at IS NOT NULL OR recheck_at IS NOT NULL) AND "
                    + ids,
                args,
                rs -> {
                  String acceptedAt = rs.getString(2);
                  if (acceptedAt != null) {
                    accepted.put(rs.getString(1), Timestamps.parse(acceptedAt));
                  }
                  String recheckAt = rs.getString(3);
                  if (recheckAt != null) {
                    rechecks.put(rs.getString(1), Timestamps.parse(recheckAt));
                  }
                });
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
   * Takes a pass's attempts one by one as they are made, inside the transaction that stores them:
   * they are written {@link Sql#CHUNK} at a time, so a pass never holds every run's attempt at
   * once.
   */
  @FunctionalInterface
  public interface AttemptSink {
    void add(AttemptRecord attempt);
  }

  /**
   * Makes a pass's attempts, handing each to {@code attempts} as it is made, and returns the rest
   * of what the pass stores (attempts it holds are stored after those handed over).
   */
  @FunctionalInterface
  public interface Settling {
    Settlement settle(AttemptSink attempts);
  }

  /**
   * Stores what a pass found, in one transaction, and gives up its claim: nothing is stored when
   * the claim on any run it writes was lost (another reconciler took it over after it expired).
   */
  public void storeSettlement(Claim claim, Settlement settlement) {
    storeSettlement(claim, attempts -> settlement);
  }

  /**
   * Stores what a pass finds as {@code settling} makes it, in one transaction, and gives up its
   * claim; as {@link #storeSettlement(Claim, Settlement)}, nothing is stored when the claim on any
   * run it writes was lost, or when {@code settling} fails. The write transaction lasts as long as
   * {@code settling} does: it should only compute (reads go through other connections).
   */
  public void storeSettlement(Claim claim, Settling settling) {
    db.inTransaction(
        "cannot store the reconciled figures",
        c -> {
          Set<String> held = new LinkedHashSet<>();
          query(
              c,
              "SELECT run_id FROM reconcile_leases WHERE holder = ?",
              List.of(claim.holder()),
              rs -> held.add(rs.getString(1)));
          Settlement settlement;
          try (AttemptWriter writer = new AttemptWriter(c, held)) {
            try {
              settlement = settling.settle(writer::addUnchecked);
            } catch (UncheckedSqlException e) {
              throw e.getCause();
            }
            for (AttemptRecord a : settlement.attempts()) {
              writer.add(a);
            }
            writer.flush();
          }
          for (String runId : settlement.statuses().keySet()) {
            requireHeld(held, runId);
          }
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

  private static void requireHeld(Set<String> held, String runId) {
    if (!held.contains(runId)) {
      throw new LedgerException(
          "the claim on run "
              + runId
              + " was lost to another reconciler (it expired); nothing of this pass was stored,"
              + " run reconcile again");
    }
  }

  /** A SQLException out of an {@link AttemptSink}, unwrapped by the transaction it ran in. */
  private static final class UncheckedSqlException extends RuntimeException {
    UncheckedSqlException(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  /**
   * Inserts attempts and everything that hangs off them, {@link Sql#CHUNK} attempts at a time: each
   * statement is prepared once per settlement and its rows sent in batches as they are made, so a
   * pass over many runs costs few round trips and never holds all its rows at once. The rows go in
   * the order the attempts come, so the ids are those one insert of every attempt would give.
   */
  private final class AttemptWriter implements AutoCloseable {
    private static final String ATTEMPTS =
        "INSERT INTO reconcile_attempts (run_id, attempted_at, read_id, input_tokens,"
            + " input_cached_tokens, output_tokens, num_model_requests, status, error,"
            + " delta_input_tokens, delta_input_cached_tokens, delta_output_tokens,"
            + " delta_num_model_requests, stable_reads, audit, metered_input_tokens,"
            + " metered_input_cached_tokens, metered_output_tokens, metered_num_model_requests)"
            + " VALUES ";
    private static final int ATTEMPT_COLUMNS = 19;

    private final Connection c;
    private final Set<String> held;
    private final Set<String> attempted = new HashSet<>();
    private final List<AttemptRecord> pending = new ArrayList<>(CHUNK);
    private final String now = Timestamps.format(clock.instant());
    private final List<AutoCloseable> open = new ArrayList<>();
    private PreparedStatement fullChunk;
    private Sql.Batch reads;
    private Sql.Batch figures;
    private Sql.Batch lines;
    private Sql.Batch shared;
    private Sql.Batch statuses;

    AttemptWriter(Connection c, Set<String> held) {
      this.c = c;
      this.held = held;
    }

    void addUnchecked(AttemptRecord a) {
      try {
        add(a);
      } catch (SQLException e) {
        throw new UncheckedSqlException(e);
      }
    }

    void add(AttemptRecord a) throws SQLException {
      requireHeld(held, a.runId());
      if (!attempted.add(a.runId())) {
        throw new IllegalArgumentException(
            "a settlement holds one attempt per run, but run " + a.runId() + " has two");
      }
      pending.add(a);
      if (pending.size() == CHUNK) {
        flush();
      }
    }

    /** Writes the attempts added and not yet written. */
    void flush() throws SQLException {
      if (pending.isEmpty()) {
        return;
      }
      long[] ids = insertAttempts();
      if (reads == null) {
        reads = batch("INSERT INTO reconcile_attempt_reads (attempt_id, read_id) VALUES (?, ?)");
        figures =
            batch(
                "INSERT INTO reconcile_figures (attempt_id, run_id, step_index, input_tokens,"
                    + " input_cached_tokens, output_tokens, num_model_requests, exactness,"
                    + " lower_input_tokens, lower_input_cached_tokens, lower_output_tokens,"
                    + " lower_num_model_requests, upper_input_tokens, upper_input_cached_tokens,"
                    + " upper_output_tokens, upper_num_model_requests, shared_minutes)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        lines =
            batch(
                "INSERT INTO attributions (read_id, reconcile_attempt_id, run_id, step_index,"
                    + " model, service_tier, batch, input_tokens, input_cached_tokens,"
                    + " output_tokens, num_model_requests, exactness, shared_minutes,"
                    + " shared_tokens, computed_at, endpoint, project_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        shared =
            batch(
                "INSERT INTO shared_minutes (attempt_id, run_id, step_index, endpoint, minute,"
                    + " other_run_ids, other_step_indexes, bucket_input_tokens,"
                    + " bucket_input_cached_tokens, bucket_output_tokens,"
                    + " bucket_num_model_requests, share_input_tokens, share_input_cached_tokens,"
                    + " share_output_tokens, share_num_model_requests)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        statuses = batch("UPDATE runs SET reconcile_status = ? WHERE id = ?");
      }
      // table by table, as one insert of every attempt did, so each table's ids come in the same
      // order
      for (int i = 0; i < pending.size(); i++) {
        Long id = ids[i];
        for (long readId : new LinkedHashSet<>(pending.get(i).readIds())) {
          reads.add(id, readId);
        }
      }
      reads.send();
      for (int i = 0; i < pending.size(); i++) {
        AttemptRecord a = pending.get(i);
        Long id = ids[i];
        for (Figure f : a.figures()) {
          TokenCounts t = f.total();
          TokenCounts lo = f.lowerBound();
          TokenCounts up = f.upperBound();
          figures.add(
              id,
              a.runId(),
              index(f.step()),
              t.input(),
              t.cachedInput(),
              t.output(),
              t.requests(),
              f.exactness().label(),
              lo.input(),
              lo.cachedInput(),
              lo.output(),
              lo.requests(),
              up.input(),
              up.cachedInput(),
              up.output(),
              up.requests(),
              f.sharedMinutes());
        }
      }
      figures.send();
      for (int i = 0; i < pending.size(); i++) {
        AttemptRecord a = pending.get(i);
        Long id = ids[i];
        for (LineFigure l : a.lines()) {
          TokenCounts n = l.counts();
          lines.add(
              l.readId(),
              id,
              a.runId(),
              index(l.step()),
              l.line().model(),
              l.line().serviceTier(),
              bool(l.line().batch()),
              n.input(),
              n.cachedInput(),
              n.output(),
              n.requests(),
              l.exactness().label(),
              l.sharedMinutes(),
              l.sharedTokens(),
              now,
              l.endpoint().wireName(),
              l.line().projectId());
        }
      }
      lines.send();
      for (int i = 0; i < pending.size(); i++) {
        AttemptRecord a = pending.get(i);
        Long id = ids[i];
        for (SharedMinute m : a.sharedMinutes()) {
          TokenCounts b = m.bucket();
          TokenCounts s = m.share();
          shared.add(
              id,
              a.runId(),
              index(m.step()),
              m.endpoint().wireName(),
              Timestamps.format(m.minute()),
              String.join(",", m.otherRunIds()),
              joinSteps(m.otherSteps()),
              b.input(),
              b.cachedInput(),
              b.output(),
              b.requests(),
              s.input(),
              s.cachedInput(),
              s.output(),
              s.requests());
        }
      }
      shared.send();
      for (AttemptRecord a : pending) {
        statuses.add(a.status().label(), a.runId());
      }
      statuses.send();
      pending.clear();
    }

    /**
     * One multi-row INSERT of the pending attempts; a settlement holds one attempt per run, so the
     * returned run ids tell which id is whose.
     */
    private long[] insertAttempts() throws SQLException {
      PreparedStatement ps;
      if (pending.size() == CHUNK) {
        if (fullChunk == null) {
          fullChunk = prepare(CHUNK);
        }
        ps = fullChunk;
      } else {
        ps = prepare(pending.size());
      }
      Object[] args = new Object[pending.size() * ATTEMPT_COLUMNS];
      int k = 0;
      for (AttemptRecord a : pending) {
        TokenCounts n = a.counts();
        Change d = a.change();
        TokenCounts m = a.metered();
        args[k++] = a.runId();
        args[k++] = Timestamps.format(a.attemptedAt());
        args[k++] = a.readIds().isEmpty() ? null : a.readIds().get(0);
        args[k++] = n == null ? null : n.input();
        args[k++] = n == null ? null : n.cachedInput();
        args[k++] = n == null ? null : n.output();
        args[k++] = n == null ? null : n.requests();
        args[k++] = a.status().label();
        args[k++] = a.error();
        args[k++] = d == null ? null : d.input();
        args[k++] = d == null ? null : d.cachedInput();
        args[k++] = d == null ? null : d.output();
        args[k++] = d == null ? null : d.requests();
        args[k++] = a.stableReads();
        args[k++] = a.audit();
        args[k++] = m == null ? null : m.input();
        args[k++] = m == null ? null : m.cachedInput();
        args[k++] = m == null ? null : m.output();
        args[k++] = m == null ? null : m.requests();
      }
      bind(ps, args);
      Map<String, Long> idByRun = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          idByRun.put(rs.getString(2), rs.getLong(1));
        }
      }
      long[] ids = new long[pending.size()];
      for (int i = 0; i < ids.length; i++) {
        Long id = idByRun.get(pending.get(i).runId());
        if (id == null) {
          throw new SQLException(
              "the insert of an attempt of run " + pending.get(i).runId() + " gave no id");
        }
        ids[i] = id;
      }
      return ids;
    }

    private PreparedStatement prepare(int rows) throws SQLException {
      String values =
          String.join(", ", Collections.nCopies(rows, "(" + placeholders(ATTEMPT_COLUMNS) + ")"));
      PreparedStatement ps = c.prepareStatement(ATTEMPTS + values + " RETURNING id, run_id");
      open.add(ps);
      return ps;
    }

    private Sql.Batch batch(String sql) throws SQLException {
      Sql.Batch b = new Sql.Batch(c, sql);
      open.add(b);
      return b;
    }

    @Override
    public void close() throws SQLException {
      SQLException first = null;
      for (AutoCloseable a : open) {
        try {
          a.close();
        } catch (Exception e) {
          if (first == null) {
            first = e instanceof SQLException s ? s : new SQLException(e);
          }
        }
      }
      if (first != null) {
        throw first;
      }
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
