package dev.tokenledger.ledger;

import static dev.tokenledger.ledger.internal.Sql.*;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.ledger.ClaimStore.Claim;
import dev.tokenledger.ledger.internal.Background;
import dev.tokenledger.ledger.internal.Runs;
import dev.tokenledger.ledger.internal.Sql;
import dev.tokenledger.ledger.internal.Where;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

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
    List<List<String>> chunks = chunks(runIds);
    StatesRead read = new StatesRead();
    if (chunks.size() < 2) {
      chunks.forEach(read::read);
    } else {
      // every other chunk on a second thread and connection: turning a pass's 70,000 rows into
      // records is the driver's and this code's CPU time, which two cores share; either side
      // stops at its next chunk once the other has failed
      StatesRead other = new StatesRead();
      AtomicBoolean failed = new AtomicBoolean();
      Future<Void> reading =
          Background.start(
              "tokenledger-read-runs",
              () -> {
                try {
                  for (int i = 1; i < chunks.size() && !failed.get(); i += 2) {
                    other.read(chunks.get(i));
                  }
                  return null;
                } catch (RuntimeException | Error e) {
                  failed.set(true);
                  throw e;
                }
              });
      try {
        for (int i = 0; i < chunks.size() && !failed.get(); i += 2) {
          read.read(chunks.get(i));
        }
      } catch (RuntimeException | Error e) {
        failed.set(true);
        // done before the caller can close the ledger
        Background.awaitEnd(reading);
        Background.failure(reading).ifPresent(e::addSuppressed);
        throw e;
      }
      try {
        Background.result(reading);
      } catch (SQLException e) {
        throw db.failure("cannot read the runs to reconcile", e);
      }
      read.add(other);
    }
    List<RunState> out = new ArrayList<>();
    for (String id : new LinkedHashSet<>(runIds)) {
      RunRecord run = read.runs.get(id);
      if (run != null) {
        out.add(
            new RunState(
                run,
                read.steps.getOrDefault(id, List.of()),
                read.attempts.getOrDefault(id, List.of()),
                read.accepted.get(id),
                read.local.get(id),
                read.rechecks.get(id)));
      }
    }
    return out;
  }

  /** What {@link #states} reads of some runs, a chunk at a time; each run in one chunk only. */
  private final class StatesRead {
    final Map<String, RunRecord> runs = new HashMap<>();
    final Map<String, List<StepRecord>> steps = new HashMap<>();
    final Map<String, List<Attempt>> attempts = new HashMap<>();
    final Map<String, Instant> accepted = new HashMap<>();
    final Map<String, TokenCounts> local = new HashMap<>();
    final Map<String, Instant> rechecks = new HashMap<>();

    void read(List<String> chunk) {
      String ids = in("id", chunk.size());
      String runIdsIn = in("run_id", chunk.size());
      List<Object> args = new ArrayList<>(chunk);
      db.read(
          "cannot read the runs to reconcile",
          c -> {
            for (RunRecord r : SettlementStore.this.runs.selectRuns(c, "WHERE " + ids, args)) {
              runs.put(r.id(), r);
            }
            for (StepRecord s :
                SettlementStore.this.runs.selectSteps(
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

    void add(StatesRead other) {
      runs.putAll(other.runs);
      steps.putAll(other.steps);
      attempts.putAll(other.attempts);
      accepted.putAll(other.accepted);
      local.putAll(other.local);
      rechecks.putAll(other.rechecks);
    }
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
          try (AttemptWriter writer = new AttemptWriter(c, held, clock.instant())) {
            try {
              settlement = settling.settle(writer::addUnchecked);
            } catch (AttemptWriter.UncheckedSqlException e) {
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

  static void requireHeld(Set<String> held, String runId) {
    if (!held.contains(runId)) {
      throw new LedgerException(
          "the claim on run "
              + runId
              + " was lost to another reconciler (it expired); nothing of this pass was stored,"
              + " run reconcile again");
    }
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
