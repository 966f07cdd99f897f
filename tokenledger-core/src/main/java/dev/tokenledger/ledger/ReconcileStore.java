package dev.tokenledger.ledger;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What {@code tokenledger reconcile} keeps in the ledger (DESIGN.md §5, §7): claims on runs so two
 * reconcilers never work on one run at once, every usage read with its raw rows, and per attempt
 * the figures of a run and its steps with where they came from. Obtained from {@link
 * Ledger#reconcileStore()}; every method is one transaction.
 */
public final class ReconcileStore {
  /** Claims older than this are free for anyone: 30 minutes. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(30);

  private static final int CHUNK = 500;
  private static final String ATTEMPT_COLUMNS =
      "id, run_id, attempted_at, input_tokens, input_cached_tokens, output_tokens,"
          + " num_model_requests, status, error, stable_reads, audit, metered_input_tokens,"
          + " metered_input_cached_tokens, metered_output_tokens, metered_num_model_requests";

  private final Ledger ledger;
  private final Database db;
  private final Clock clock;
  private final LivenessProbe liveness;
  private final String localHost;
  private final SecureRandom random = new SecureRandom();

  ReconcileStore(
      Ledger ledger, Database db, Clock clock, LivenessProbe liveness, String localHost) {
    this.ledger = ledger;
    this.db = db;
    this.clock = clock;
    this.liveness = liveness;
    this.localHost = localHost;
  }

  // ---------------------------------------------------------------- values

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
   * The runs one reconciler holds: {@code claimed} are its own until {@link #storeSettlement} or
   * {@link #release}; {@code busy} were held by another reconciler that is alive.
   */
  public record Claim(String holder, List<String> claimed, List<String> busy) {
    public Claim {
      Objects.requireNonNull(holder, "holder");
      claimed = List.copyOf(claimed);
      busy = List.copyOf(busy);
    }
  }

  /**
   * One stored settle attempt of a run.
   *
   * @param counts the run's figures, null when the attempt failed
   * @param status the status stored with it ({@code pending}, {@code settling}, …)
   * @param error why it failed, or null
   * @param audit for a metered run, how the Usage API's {@code counts} compared with the metered
   *     usage of the same minutes ({@code audited}, {@code unmetered}, {@code api_below}); else
   *     null
   * @param metered for a metered run, the metered usage of the minutes audited; else null
   */
  public record Attempt(
      long id,
      String runId,
      Instant attemptedAt,
      TokenCounts counts,
      String status,
      String error,
      int stableReads,
      String audit,
      TokenCounts metered) {}

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

  /** A successful attempt of a run taken after the run ended: the stuff of delays seen. */
  public record ReadAfterEnd(String runId, Instant runEnd, Instant at, TokenCounts counts) {}

  /**
   * When a final run is due to be read once more ({@code at}), or that it no longer is ({@code at}
   * null: the read was taken).
   */
  public record Recheck(String runId, Instant at) {
    public Recheck {
      Objects.requireNonNull(runId, "runId");
    }
  }

  /** One locally recorded model response of a run (a metering proxy, a hook, an import). */
  public record RequestUsage(
      String runId,
      StepIndex step,
      String endpoint,
      String model,
      Instant at,
      TokenCounts counts) {}

  /**
   * A usage read to store: which endpoint and window were asked with which query, when, how many
   * HTTP requests it took, and the error that stopped it (null when it succeeded).
   */
  public record ReadRecord(
      String endpoint,
      String bucketWidth,
      Instant windowStart,
      Instant windowEnd,
      String groupBy,
      List<String> apiKeyIds,
      String query,
      Instant fetchedAt,
      int httpRequests,
      String error,
      String passId) {
    public ReadRecord {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(windowStart, "windowStart");
      Objects.requireNonNull(windowEnd, "windowEnd");
      Objects.requireNonNull(fetchedAt, "fetchedAt");
      apiKeyIds = List.copyOf(apiKeyIds);
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
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(attemptedAt, "attemptedAt");
      Objects.requireNonNull(status, "status");
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

  // ---------------------------------------------------------------- runs

  /** The runs {@code selection} names, oldest first; final runs whose recheck is due by now too. */
  public List<RunRecord> candidates(RunSelection selection) {
    return candidates(selection, clock.instant());
  }

  /**
   * The runs {@code selection} names, oldest first: without run ids, the runs not final and the
   * final runs due to be read once more by {@code now}.
   */
  public List<RunRecord> candidates(RunSelection selection, Instant now) {
    StringBuilder where = new StringBuilder("WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (!selection.runIds().isEmpty()) {
      where.append(" AND id IN (").append(placeholders(selection.runIds().size())).append(')');
      args.addAll(selection.runIds());
    }
    if (selection.experiment() != null) {
      where.append(" AND experiment = ?");
      args.add(selection.experiment());
    }
    if (selection.framework() != null) {
      where.append(" AND framework = ?");
      args.add(selection.framework());
    }
    if (selection.runIds().isEmpty() && !selection.includeFinal()) {
      where.append(
          " AND (reconcile_status <> 'final' OR (recheck_at IS NOT NULL AND recheck_at <= ?))");
      args.add(Timestamps.format(now));
    }
    return db.read(
        "cannot list the runs to reconcile",
        c -> ledger.selectRuns(c, where + " ORDER BY started_at, id", args, null));
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
                  ledger.selectRuns(
                      c,
                      "WHERE api_key_id IN ("
                          + placeholders(chunk.size())
                          + ") AND started_at < ? AND (ended_at IS NULL OR ended_at >= ?)"
                          + " ORDER BY started_at, id",
                      args,
                      null)));
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
      String in = "(" + placeholders(chunk.size()) + ")";
      List<Object> args = new ArrayList<>(chunk);
      db.read(
          "cannot read the runs to reconcile",
          c -> {
            for (RunRecord r : ledger.selectRuns(c, "WHERE id IN " + in, args, null)) {
              runs.put(r.id(), r);
            }
            for (StepRecord s :
                ledger.selectSteps(
                    c, "WHERE run_id IN " + in + " ORDER BY run_id, step_index", args)) {
              steps.computeIfAbsent(s.runId(), k -> new ArrayList<>()).add(s);
            }
            for (Attempt a :
                selectAttempts(
                    c, "WHERE run_id IN " + in + " ORDER BY run_id, attempted_at, id", args)) {
              attempts.computeIfAbsent(a.runId(), k -> new ArrayList<>()).add(a);
            }
            query(
                c,
                "SELECT id, accepted_at FROM runs WHERE accepted_at IS NOT NULL AND id IN " + in,
                args,
                rs -> accepted.put(rs.getString(1), Timestamps.parse(rs.getString(2))));
            query(
                c,
                "SELECT id, recheck_at FROM runs WHERE recheck_at IS NOT NULL AND id IN " + in,
                args,
                rs -> rechecks.put(rs.getString(1), Timestamps.parse(rs.getString(2))));
            query(
                c,
                "SELECT run_id, SUM(input_tokens), SUM(input_cached_tokens), SUM(output_tokens),"
                    + " SUM(num_model_requests) FROM metered_requests"
                    + " WHERE usage_state = 'reported' AND run_id IN "
                    + in
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

  /** The locally recorded responses of {@code runIds}. */
  public List<RequestUsage> requestUsage(Collection<String> runIds) {
    List<RequestUsage> out = new ArrayList<>();
    for (List<String> chunk : chunks(runIds)) {
      db.read(
          "cannot read local request counts",
          c -> {
            query(
                c,
                "SELECT run_id, step_index, endpoint, model, finished_at, input_tokens,"
                    + " input_cached_tokens, output_tokens, num_model_requests"
                    + " FROM metered_requests WHERE usage_state = 'reported' AND run_id IN ("
                    + placeholders(chunk.size())
                    + ") ORDER BY finished_at, id",
                new ArrayList<>(chunk),
                rs -> {
                  out.add(
                      new RequestUsage(
                          rs.getString(1),
                          stepOrNull(rs, 2),
                          rs.getString(3),
                          rs.getString(4),
                          Timestamps.parse(rs.getString(5)),
                          counts(rs, 6)));
                });
            return null;
          });
    }
    return out;
  }

  /**
   * Records locally metered responses (a metering proxy, a hook, an import) from {@code source}:
   * exact by construction, they split minutes that metered runs share.
   */
  public void recordRequestUsage(String source, List<RequestUsage> requests) {
    Objects.requireNonNull(source, "source");
    db.inTransaction(
        "cannot record local request counts",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO metered_requests (record_id, source, run_id, step_index, method,"
                      + " path, endpoint, model, finished_at, usage_state, input_tokens,"
                      + " input_cached_tokens, output_tokens, num_model_requests, recorded_at)"
                      + " VALUES (?, ?, ?, ?, 'POST', ?, ?, ?, ?, 'reported', ?, ?, ?, ?, ?)")) {
            String now = Timestamps.format(clock.instant());
            for (RequestUsage r : requests) {
              Ledger.bind(
                  ps,
                  UUID.randomUUID().toString(),
                  source,
                  r.runId(),
                  index(r.step()),
                  r.endpoint() == null ? "" : r.endpoint(),
                  r.endpoint(),
                  r.model(),
                  Timestamps.format(r.at()),
                  r.counts().input(),
                  r.counts().cachedInput(),
                  r.counts().output(),
                  r.counts().requests(),
                  now);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  /**
   * Records that a person accepted run {@code runId}'s figures at {@code at} ({@code reconcile
   * --accept}).
   */
  public void accept(String runId, Instant at) {
    db.inTransaction(
        "cannot accept run " + runId,
        c -> {
          if (Ledger.update(
                  c, "UPDATE runs SET accepted_at = ? WHERE id = ?", Timestamps.format(at), runId)
              == 0) {
            throw new LedgerException(
                "no run '"
                    + runId
                    + "' in the ledger "
                    + db.location().displayName()
                    + "; 'tokenledger run list' shows the runs");
          }
          return null;
        });
  }

  // ---------------------------------------------------------------- claims

  /**
   * Claims {@code runIds} for one reconciler until {@code leaseFor} from now: a run is free when
   * nobody holds it, its claim expired, or its holder was a process on this host that is gone. On
   * PostgreSQL the claim rows are locked with {@code FOR UPDATE SKIP LOCKED}, so a run another
   * reconciler is claiming at the same moment is passed over; SQLite write transactions take turns.
   */
  public Claim claim(Collection<String> runIds, Duration leaseFor) {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    String holder = HexFormat.of().formatHex(bytes);
    ProcessIdentity me = ProcessIdentity.current();
    List<String> claimed = new ArrayList<>();
    for (List<String> chunk : chunks(runIds)) {
      db.inTransaction(
          "cannot prepare the claims on runs",
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO reconcile_leases (run_id) VALUES (?)"
                        + " ON CONFLICT (run_id) DO NOTHING")) {
              for (String id : chunk) {
                Ledger.bind(ps, id);
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return null;
          });
      claimed.addAll(
          db.inTransaction(
              "cannot claim runs to reconcile", c -> claimFree(c, chunk, holder, me, leaseFor)));
    }
    List<String> busy = new ArrayList<>(new LinkedHashSet<>(runIds));
    busy.removeAll(claimed);
    return new Claim(holder, claimed, busy);
  }

  private List<String> claimFree(
      Connection c, List<String> ids, String holder, ProcessIdentity me, Duration leaseFor)
      throws SQLException {
    Instant now = clock.instant();
    List<String> free = new ArrayList<>();
    query(
        c,
        "SELECT run_id, holder, host, pid, process_started_at, expires_at FROM reconcile_leases"
            + " WHERE run_id IN ("
            + placeholders(ids.size())
            + ")"
            + db.dialect().forUpdateSkipLocked,
        new ArrayList<>(ids),
        rs -> {
          if (isFree(rs, now)) {
            free.add(rs.getString(1));
          }
        });
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE reconcile_leases SET holder = ?, host = ?, pid = ?, process_started_at = ?,"
                + " expires_at = ? WHERE run_id = ?")) {
      for (String id : free) {
        Ledger.bind(
            ps,
            holder,
            me.host(),
            me.pid(),
            Timestamps.format(me.startedAt()),
            Timestamps.format(now.plus(leaseFor)),
            id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    List<String> ordered = new ArrayList<>(ids);
    ordered.retainAll(free);
    return ordered;
  }

  private boolean isFree(ResultSet rs, Instant now) throws SQLException {
    if (rs.getString(2) == null) {
      return true;
    }
    Instant expires = Timestamps.parse(rs.getString(6));
    if (expires == null || !now.isBefore(expires)) {
      return true;
    }
    String host = rs.getString(3);
    long pid = rs.getLong(4);
    if (host != null && host.equals(localHost) && pid > 0) {
      ProcessIdentity holder = new ProcessIdentity(host, pid, Timestamps.parse(rs.getString(5)));
      return !liveness.isAlive(holder);
    }
    return false;
  }

  /**
   * Which of {@code runIds} another reconciler holds right now: its claim has not expired, and on
   * this host its process is alive. A pass of ours holds nothing once it returns.
   */
  public Set<String> heldByOthers(Collection<String> runIds) {
    Instant now = clock.instant();
    Set<String> held = new LinkedHashSet<>();
    for (List<String> chunk : chunks(runIds)) {
      db.read(
          "cannot read the claims on runs",
          c -> {
            query(
                c,
                "SELECT run_id, holder, host, pid, process_started_at, expires_at"
                    + " FROM reconcile_leases WHERE run_id IN ("
                    + placeholders(chunk.size())
                    + ")",
                new ArrayList<>(chunk),
                rs -> {
                  if (!isFree(rs, now)) {
                    held.add(rs.getString(1));
                  }
                });
            return null;
          });
    }
    return held;
  }

  /** Gives up the runs of {@code claim} without storing anything. */
  public void release(Claim claim) {
    db.inTransaction(
        "cannot release the claims on runs",
        c -> {
          releaseAll(c, claim.holder());
          return null;
        });
  }

  private static void releaseAll(Connection c, String holder) throws SQLException {
    Ledger.update(
        c,
        "UPDATE reconcile_leases SET holder = NULL, host = NULL, pid = NULL,"
            + " process_started_at = NULL, expires_at = NULL WHERE holder = ?",
        holder);
  }

  // ---------------------------------------------------------------- reads

  /**
   * Stores a read and its rows (none for a failed read) in one transaction, before anything is
   * attributed from it; returns its id. Reads are never overwritten.
   */
  public long storeRead(ReadRecord read, List<UsageRow> rows) {
    if (read.error() != null && !rows.isEmpty()) {
      throw new IllegalArgumentException("a failed read has no rows");
    }
    return db.inTransaction(
        "cannot store a usage read of " + read.endpoint(),
        c -> {
          long id =
              insertReturningId(
                  c,
                  "INSERT INTO usage_reads (endpoint, bucket_width, window_start, window_end,"
                      + " group_by, api_key_ids, project_ids, fetched_at, http_requests, status,"
                      + " error, query, pass_id) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                  read.endpoint(),
                  read.bucketWidth(),
                  Timestamps.format(read.windowStart()),
                  Timestamps.format(read.windowEnd()),
                  read.groupBy(),
                  String.join(",", read.apiKeyIds()),
                  Timestamps.format(read.fetchedAt()),
                  read.httpRequests(),
                  read.error() == null ? "ok" : "error",
                  read.error(),
                  read.query(),
                  read.passId());
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO usage_buckets (read_id, bucket_start, bucket_end, api_key_id,"
                      + " project_id, model, service_tier, batch, input_tokens,"
                      + " input_cached_tokens, output_tokens, num_model_requests)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (UsageRow row : rows) {
              Ledger.bind(
                  ps,
                  id,
                  Timestamps.format(row.minute()),
                  Timestamps.format(row.minute().plusSeconds(60)),
                  row.apiKeyId(),
                  row.projectId(),
                  row.model(),
                  row.serviceTier(),
                  bool(row.batch()),
                  row.counts().input(),
                  row.counts().cachedInput(),
                  row.counts().output(),
                  row.counts().requests());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return id;
        });
  }

  // ---------------------------------------------------------------- settlements

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
              Ledger.bind(ps, e.getValue().label(), e.getKey());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          insertUnattributed(c, settlement.unattributed());
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE runs SET recheck_at = ? WHERE id = ?")) {
            for (Recheck r : settlement.rechecks()) {
              requireHeld(held, r.runId());
              Ledger.bind(ps, r.at() == null ? null : Timestamps.format(r.at()), r.runId());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          releaseAll(c, claim.holder());
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
   * its rows sent in one batch, so a pass over many runs costs few round trips.
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
            args.add(exactness(f.apportioned()));
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
            args.add(exactness(l.apportioned()));
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
            args.add(String.join(",", m.otherSteps().stream().map(StepIndex::toString).toList()));
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

  /** The rows one attempt (with its new id) contributes to a batch. */
  @FunctionalInterface
  private interface BatchRows {
    void add(AttemptRecord attempt, long attemptId, List<Object[]> rows);
  }

  private static void batch(
      Connection c, String sql, List<AttemptRecord> attempts, List<Long> ids, BatchRows rowsOf)
      throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < attempts.size(); i++) {
      rowsOf.add(attempts.get(i), ids.get(i), rows);
    }
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Object[] row : rows) {
        Ledger.bind(ps, row);
        ps.addBatch();
      }
      ps.executeBatch();
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
        Ledger.bind(
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

  // ---------------------------------------------------------------- provenance

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

  // ---------------------------------------------------------------- SQL helpers

  private List<Attempt> selectAttempts(Connection c, String whereAndOrder, List<Object> args)
      throws SQLException {
    List<Attempt> out = new ArrayList<>();
    query(
        c,
        "SELECT " + ATTEMPT_COLUMNS + " FROM reconcile_attempts " + whereAndOrder,
        args,
        rs -> {
          long input = rs.getLong(4);
          boolean failed = rs.wasNull();
          out.add(
              new Attempt(
                  rs.getLong(1),
                  rs.getString(2),
                  Timestamps.parse(rs.getString(3)),
                  failed
                      ? null
                      : new TokenCounts(input, rs.getLong(5), rs.getLong(6), rs.getLong(7)),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getInt(10),
                  rs.getString(11),
                  meteredCounts(rs)));
        });
    return out;
  }

  @FunctionalInterface
  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  static void query(Connection c, String sql, List<Object> args, RowReader reader)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Ledger.bind(ps, args.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    }
  }

  /** Runs an INSERT and returns the generated {@code id} (both databases know RETURNING). */
  static long insertReturningId(Connection c, String insert, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insert + " RETURNING id")) {
      Ledger.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("the insert returned no id: " + insert);
        }
        return rs.getLong(1);
      }
    }
  }

  private static List<List<String>> chunks(Collection<String> ids) {
    List<String> all = new ArrayList<>(new LinkedHashSet<>(ids));
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += CHUNK) {
      out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
    }
    return out;
  }

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  private static void addCounts(List<Object> args, TokenCounts t) {
    args.add(t.input());
    args.add(t.cachedInput());
    args.add(t.output());
    args.add(t.requests());
  }

  private static TokenCounts counts(ResultSet rs, int first) throws SQLException {
    return new TokenCounts(
        rs.getLong(first), rs.getLong(first + 1), rs.getLong(first + 2), rs.getLong(first + 3));
  }

  private static TokenCounts meteredCounts(ResultSet rs) throws SQLException {
    long input = rs.getLong(12);
    if (rs.wasNull()) {
      return null;
    }
    return new TokenCounts(input, rs.getLong(13), rs.getLong(14), rs.getLong(15));
  }

  private static Integer intOrNull(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static StepIndex stepOrNull(ResultSet rs, int column) throws SQLException {
    Integer v = intOrNull(rs, column);
    return v == null ? null : StepIndex.of(v);
  }

  private static Integer index(StepIndex step) {
    return step == null ? null : step.value();
  }

  private static Integer bool(Boolean b) {
    return b == null ? null : b ? 1 : 0;
  }

  private static String exactness(boolean apportioned) {
    return apportioned ? "apportioned" : "exact";
  }

  private static List<String> split(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
  }
}
