package dev.tokenledger.ledger;

import dev.tokenledger.config.ApiKey;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The ledger: runs and steps in, records out, over SQLite or PostgreSQL (DESIGN.md §7). Every
 * logical write is one transaction. Harnesses use {@link #startRun(RunSpec)} and {@link
 * Run#step(String)}; commands that outlive no process use {@link #beginRun}, {@link #beginStep},
 * {@link #endStep} and {@link #endRun}.
 *
 * <p>A run or step left open by a process that died is shown as {@link
 * RecordingStatus#INTERRUPTED}, ending at the last time it was seen: a reader on the writer's host
 * checks that the writer process is alive; elsewhere a writer that heartbeats is taken as dead when
 * its heartbeat is older than {@code staleAfter}.
 */
public final class Ledger implements AutoCloseable {
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final String RUN_COLUMNS =
      "id, experiment, framework, label, api_key_id, key_fingerprint, project_id, model_hint,"
          + " started_at, ended_at, last_seen_at, heartbeat_at, exit_code, status, host, pid,"
          + " process_started_at, source, external_id, source_path, reconcile_status, metering";
  private static final String STEP_COLUMNS =
      "run_id, step_index, name, started_at, ended_at, last_seen_at, heartbeat_at, exit_code,"
          + " status, host, pid, process_started_at";
  private static final String RECORDING = "recording";
  private static final String ENDED = "ended";
  private static final String INTERRUPTED = "interrupted";

  private final Database db;
  private final Clock clock;
  private final Duration heartbeatInterval;
  private final Duration staleAfter;
  private final Consumer<String> warnings;
  private final LivenessProbe liveness;
  private final String localHost;
  private final SecureRandom random = new SecureRandom();
  private final Set<Heartbeating> open = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService heartbeats;
  private String keySalt;

  private Ledger(Builder b, Database db) {
    this.db = db;
    this.clock = b.clock;
    this.heartbeatInterval = b.heartbeatInterval;
    this.staleAfter = b.staleAfter;
    this.warnings = b.warnings;
    this.liveness = b.liveness;
    this.localHost = b.localHost;
  }

  /** Opens (and creates or migrates) the ledger at {@code location} with the default settings. */
  public static Ledger open(LedgerLocation location) {
    return builder(location).open();
  }

  /** A builder for a ledger at {@code location}. */
  public static Builder builder(LedgerLocation location) {
    return new Builder(location);
  }

  /** Where this ledger lives. */
  public LedgerLocation location() {
    return db.location();
  }

  /** The clock every instant this ledger records comes from. */
  public Clock clock() {
    return clock;
  }

  /** Claims on runs, so two reconcilers never work on one run at once. */
  public ClaimStore claimStore() {
    return new ClaimStore(db, clock, liveness, localHost);
  }

  /** Usage reads with their rows, and locally recorded responses. */
  public UsageStore usageStore() {
    return new UsageStore(db, clock);
  }

  /** What a reconcile pass reads and stores: runs to settle, attempts and their figures. */
  public SettlementStore settlementStore() {
    return new SettlementStore(this, db, clock);
  }

  /** Where a run's figures came from: attempts, figures, reads, shared minutes and lines. */
  public ProvenanceStore provenanceStore() {
    return new ProvenanceStore(db);
  }

  /** What exact metering stores in this ledger: metered requests, key ids, metering of runs. */
  public MeterStore meterStore() {
    return new MeterStore(db, clock);
  }

  /**
   * {@code key}'s salted fingerprint in this ledger (HMAC-SHA256 under the ledger's key salt): what
   * runs and metered requests store instead of the key.
   */
  public String keyFingerprint(ApiKey key) {
    return Objects.requireNonNull(key, "key").fingerprint(keySalt());
  }

  /** This ledger's key salt, read (or made) once per ledger handle. */
  public synchronized String keySalt() {
    if (keySalt == null) {
      keySalt = meterStore().keySalt();
    }
    return keySalt;
  }

  /** What {@code tokenledger costs} stores in this ledger: its reads and their rows. */
  public CostsStore costsStore() {
    return new CostsStore(db);
  }

  /** Every model name this ledger has seen, by name, with how much of it it holds. */
  public List<SeenModel> modelsSeen() {
    return SeenModels.read(db);
  }

  /** The price tables this ledger's figures were priced with. */
  public PriceTableStore priceTables() {
    return new PriceTableStore(db, clock);
  }

  // ---------------------------------------------------------------- Java API for harnesses

  /**
   * Starts a run owned by this process, now (or at {@code spec.startedAt()}); close the returned
   * handle to end it. While it is open the ledger heartbeats it.
   */
  public Run startRun(RunSpec spec) {
    RunRecord record = beginRun(spec, ProcessIdentity.current());
    Run run = new Run(this, record.id());
    register(run);
    return run;
  }

  /**
   * Starts step {@code index} (null: the next one) named {@code name} of the existing run {@code
   * runId}, owned by this process; close the returned handle to end it.
   */
  public Step startStep(String runId, Integer index, String name) {
    StepRecord record = beginStep(runId, index, name, ProcessIdentity.current(), null);
    Step step = new Step(this, runId, record.index());
    register(step);
    return step;
  }

  // ---------------------------------------------------------------- records in

  /**
   * Records a new run owned by {@code writer}, started at {@code spec.startedAt()} or now, and
   * returns it.
   */
  public RunRecord beginRun(RunSpec spec, ProcessIdentity writer) {
    Objects.requireNonNull(spec, "spec");
    Instant start = spec.startedAt() != null ? spec.startedAt() : clock.instant();
    for (int attempt = 1; ; attempt++) {
      String id = newRunId(start);
      try {
        return db.inTransaction(
            "cannot start a run of " + spec.framework(),
            c -> {
              insertRun(c, id, spec, start, null, RECORDING, writer, start);
              return readRun(c, id).orElseThrow();
            });
      } catch (LedgerException e) {
        if (attempt >= 5 || !(e.getCause() instanceof SQLException se && isUnique(se))) {
          throw e;
        }
      }
    }
  }

  /**
   * Records the start of step {@code index} (null: one more than the highest so far) of run {@code
   * runId}, at {@code at} (null: now), owned by {@code writer}.
   */
  public StepRecord beginStep(
      String runId, Integer index, String name, ProcessIdentity writer, Instant at) {
    Objects.requireNonNull(runId, "runId");
    if (index != null && index < 1) {
      throw new IllegalArgumentException("step index must be 1 or more but was " + index);
    }
    Instant start = at != null ? at : clock.instant();
    return db.inTransaction(
        "cannot start a step of run " + runId,
        c -> {
          String status = lockRunStatus(c, runId);
          if (!RECORDING.equals(status)) {
            throw new LedgerException(
                "run " + runId + " has " + status + "; start a new run to record more steps");
          }
          int idx = index != null ? index : nextStepIndex(c, runId);
          try {
            update(
                c,
                "INSERT INTO steps (run_id, step_index, name, started_at, last_seen_at, status,"
                    + " host, pid, process_started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                runId,
                idx,
                name,
                Timestamps.format(start),
                Timestamps.format(start),
                RECORDING,
                writer == null ? null : writer.host(),
                writer == null ? null : writer.pid(),
                writer == null ? null : Timestamps.format(writer.startedAt()));
          } catch (SQLException e) {
            if (isUnique(e)) {
              throw new LedgerException(
                  "step "
                      + idx
                      + " of run "
                      + runId
                      + " already exists; leave out --step to"
                      + " take the next index");
            }
            throw e;
          }
          touchRun(c, runId, start);
          return readStep(c, runId, idx).orElseThrow();
        });
  }

  /** Records the end of step {@code index} of run {@code runId} at {@code at} (null: now). */
  public StepRecord endStep(String runId, int index, Integer exitCode, Instant at) {
    Instant end = at != null ? at : clock.instant();
    return db.inTransaction(
        "cannot end step " + index + " of run " + runId,
        c -> {
          lockRunStatus(c, runId);
          StepRecord step =
              readStep(c, runId, index)
                  .orElseThrow(
                      () ->
                          new LedgerException(
                              "run " + runId + " has no step " + index + "; see run show"));
          if (step.endedAt() != null) {
            throw new LedgerException(
                "step " + index + " of run " + runId + " already ended at " + step.endedAt());
          }
          if (end.isBefore(step.startedAt())) {
            throw new LedgerException(
                "step "
                    + index
                    + " of run "
                    + runId
                    + " cannot end at "
                    + end
                    + ", before it started at "
                    + step.startedAt());
          }
          update(
              c,
              "UPDATE steps SET ended_at = ?, exit_code = ?, status = ?, last_seen_at = ?"
                  + " WHERE run_id = ? AND step_index = ?",
              Timestamps.format(end),
              exitCode,
              ENDED,
              Timestamps.format(end),
              runId,
              index);
          touchRun(c, runId, end);
          return readStep(c, runId, index).orElseThrow();
        });
  }

  /**
   * Ends run {@code runId} and any step still open in it, at {@code at}; with {@code at} null, now,
   * or, when its writer is gone, at the last time it was seen. A run whose writer is gone, closed
   * with neither {@code at} nor {@code exitCode}, stays {@code interrupted}; given either, it is
   * {@code ended}: whoever gives them knows how it ended. A run closed as interrupted can be ended
   * again that way, so a harness can still give its real end and exit code. A step whose writer is
   * gone is closed as interrupted at its own last sign of life.
   *
   * @param exitCode the run's exit code; null keeps the one recorded, if any
   * @throws IllegalArgumentException when {@code at} is before the run started
   * @throws LedgerException when the run has already ended (not as interrupted)
   */
  public RunRecord endRun(String runId, Integer exitCode, Instant at) {
    return db.inTransaction(
        "cannot end run " + runId,
        c -> {
          lockRunStatus(c, runId);
          RunRecord run = readRun(c, runId).orElseThrow();
          boolean closedInterrupted =
              run.endedAt() != null && run.status() == RecordingStatus.INTERRUPTED;
          if (run.endedAt() != null && !closedInterrupted) {
            throw new LedgerException(
                "run " + runId + " already " + run.status().word() + " at " + run.endedAt());
          }
          Instant end;
          if (at != null) {
            end = at;
          } else if (run.status() == RecordingStatus.INTERRUPTED) {
            end = closedInterrupted ? run.endedAt() : run.lastSeenAt();
          } else {
            end = clock.instant();
          }
          if (end.isBefore(run.startedAt())) {
            throw new IllegalArgumentException(
                "run "
                    + runId
                    + " cannot end at "
                    + end
                    + ", before it started at "
                    + run.startedAt());
          }
          for (StepRecord step : readSteps(c, runId)) {
            if (step.endedAt() != null) {
              continue;
            }
            boolean stepGone = step.status() == RecordingStatus.INTERRUPTED;
            Instant stepEnd = stepGone ? step.lastSeenAt() : end;
            if (stepEnd.isBefore(step.startedAt())) {
              stepEnd = step.startedAt();
            }
            update(
                c,
                "UPDATE steps SET ended_at = ?, status = ? WHERE run_id = ? AND step_index = ?",
                Timestamps.format(stepEnd),
                stepGone ? INTERRUPTED : ENDED,
                runId,
                step.index());
          }
          update(
              c,
              "UPDATE runs SET ended_at = ?, exit_code = ?, status = ?,"
                  + " last_seen_at = CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END"
                  + " WHERE id = ?",
              Timestamps.format(end),
              exitCode != null ? exitCode : run.exitCode(),
              run.status() == RecordingStatus.INTERRUPTED && at == null && exitCode == null
                  ? INTERRUPTED
                  : ENDED,
              Timestamps.format(end),
              Timestamps.format(end),
              runId);
          return readRun(c, runId).orElseThrow();
        });
  }

  /**
   * Records a run that already happened (an import) with its steps, in one transaction. When a run
   * with the same source and external id exists, only the steps it lacks are added, its end if it
   * had none, and its key id if it had none (so that a run imported before its framework's key id
   * was known can be reconciled): recording the same run twice adds nothing.
   */
  public RecordedRun recordFinishedRun(RunSpec spec, List<StepSpec> steps) {
    Objects.requireNonNull(spec.startedAt(), "a finished run needs startedAt");
    for (int attempt = 1; ; attempt++) {
      try {
        return db.inTransaction(
            "cannot record run "
                + Optional.ofNullable(spec.externalId()).orElse("")
                + " of "
                + spec.framework(),
            c -> recordFinished(c, spec, steps));
      } catch (LedgerException e) {
        // Two importers raced on the same external id: the second one finds it on a retry.
        if (attempt >= 3 || !(e.getCause() instanceof SQLException se && isUnique(se))) {
          throw e;
        }
      }
    }
  }

  private RecordedRun recordFinished(Connection c, RunSpec spec, List<StepSpec> steps)
      throws SQLException {
    String existing = null;
    if (spec.externalId() != null) {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id FROM runs WHERE source = ? AND external_id = ?")) {
        bind(ps, spec.source(), spec.externalId());
        try (ResultSet rs = ps.executeQuery()) {
          existing = rs.next() ? rs.getString(1) : null;
        }
      }
    }
    Instant lastSeen = spec.startedAt();
    for (StepSpec s : steps) {
      lastSeen = Timestamps.latest(lastSeen, s.endedAt() != null ? s.endedAt() : s.startedAt());
    }
    lastSeen = Timestamps.latest(lastSeen, spec.endedAt());
    boolean created = existing == null;
    String runId = created ? newRunId(spec.startedAt()) : existing;
    if (created) {
      insertRun(
          c,
          runId,
          spec,
          spec.startedAt(),
          spec.endedAt(),
          spec.endedAt() != null ? ENDED : INTERRUPTED,
          null,
          lastSeen);
    } else if (spec.endedAt() != null) {
      update(
          c,
          "UPDATE runs SET ended_at = ?, status = ?, exit_code = COALESCE(exit_code, ?),"
              + " last_seen_at = CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END"
              + " WHERE id = ? AND ended_at IS NULL",
          Timestamps.format(spec.endedAt()),
          ENDED,
          spec.exitCode(),
          Timestamps.format(lastSeen),
          Timestamps.format(lastSeen),
          runId);
    }
    boolean keyIdAdded =
        !created
            && spec.apiKeyId() != null
            && update(
                    c,
                    "UPDATE runs SET api_key_id = ? WHERE id = ? AND api_key_id IS NULL",
                    spec.apiKeyId(),
                    runId)
                > 0;
    if (!created && spec.keyFingerprint() != null) {
      update(
          c,
          "UPDATE runs SET key_fingerprint = ? WHERE id = ? AND key_fingerprint IS NULL",
          spec.keyFingerprint(),
          runId);
    }
    int added = 0;
    for (StepSpec s : steps) {
      added +=
          update(
              c,
              "INSERT INTO steps (run_id, step_index, name, started_at, ended_at, last_seen_at,"
                  + " exit_code, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                  + " ON CONFLICT (run_id, step_index) DO NOTHING",
              runId,
              s.index(),
              s.name(),
              Timestamps.format(s.startedAt()),
              Timestamps.format(s.endedAt()),
              Timestamps.format(s.endedAt() != null ? s.endedAt() : s.startedAt()),
              s.exitCode(),
              s.endedAt() != null ? ENDED : INTERRUPTED);
    }
    return new RecordedRun(runId, created, added, keyIdAdded);
  }

  // ---------------------------------------------------------------- records out

  /** The run {@code runId}, if the ledger has it. */
  public Optional<RunRecord> findRun(String runId) {
    return db.read("cannot read run " + runId, c -> readRun(c, runId));
  }

  /** The run {@code runId}; a {@link LedgerException} naming it when there is none. */
  public RunRecord run(String runId) {
    return findRun(runId)
        .orElseThrow(
            () ->
                new LedgerException(
                    "no run '"
                        + runId
                        + "' in the ledger "
                        + db.location().displayName()
                        + "; 'tokenledger run list' shows the runs"));
  }

  /** The steps of run {@code runId}, by index. */
  public List<StepRecord> steps(String runId) {
    return db.read("cannot read the steps of run " + runId, c -> readSteps(c, runId));
  }

  /** The runs {@code query} selects, oldest first (the latest {@code limit} of them). */
  public List<RunRecord> runs(RunQuery query) {
    return db.read("cannot list runs", c -> queryRuns(c, query));
  }

  /**
   * The latest end of a window of the framework key with {@code keyFingerprint} or {@code apiKeyId}
   * (either may be null), and its runs still recording: what minute fencing waits on.
   */
  public KeyActivity keyActivity(String keyFingerprint, String apiKeyId) {
    if (keyFingerprint == null && apiKeyId == null) {
      return new KeyActivity(null, List.of());
    }
    return db.read(
        "cannot read the windows of a key",
        c -> {
          String match = "(r.key_fingerprint = ? OR r.api_key_id = ?)";
          Instant last = null;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT MAX(r.ended_at), (SELECT MAX(s.ended_at) FROM steps s JOIN runs r"
                      + " ON r.id = s.run_id WHERE "
                      + match
                      + ") FROM runs r WHERE "
                      + match)) {
            bind(ps, keyFingerprint, apiKeyId, keyFingerprint, apiKeyId);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                last =
                    Timestamps.latest(
                        Timestamps.parse(rs.getString(1)), Timestamps.parse(rs.getString(2)));
              }
            }
          }
          List<String> recording = new ArrayList<>();
          for (RunRecord r :
              selectRuns(
                  c,
                  "WHERE status = 'recording' AND " + match.replace("r.", ""),
                  List.of(nullSafe(keyFingerprint), nullSafe(apiKeyId)),
                  null)) {
            if (r.status() == RecordingStatus.RECORDING) {
              recording.add(r.id());
            } else {
              last = Timestamps.latest(last, r.lastSeenAt());
            }
          }
          return new KeyActivity(last, recording);
        });
  }

  // ---------------------------------------------------------------- heartbeats

  /** Something this process holds open and heartbeats: a {@link Run} or a {@link Step}. */
  interface Heartbeating {
    void heartbeat(Connection c, Instant now) throws SQLException;
  }

  private void register(Heartbeating handle) {
    open.add(handle);
    if (heartbeatInterval.isZero()) {
      return;
    }
    synchronized (this) {
      if (heartbeats == null) {
        heartbeats =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "tokenledger-heartbeat");
                  t.setDaemon(true);
                  return t;
                });
        long ms = heartbeatInterval.toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeatQuietly, ms, ms, TimeUnit.MILLISECONDS);
      }
    }
  }

  void unregister(Heartbeating handle) {
    open.remove(handle);
  }

  /** Writes one heartbeat for every run and step this process holds open. */
  void heartbeatNow() {
    if (open.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    db.inTransaction(
        "cannot write a heartbeat",
        c -> {
          for (Heartbeating h : open) {
            h.heartbeat(c, now);
          }
          return null;
        });
  }

  private void heartbeatQuietly() {
    try {
      heartbeatNow();
    } catch (RuntimeException e) {
      // A lost heartbeat costs little (the next one may work); the experiment must go on.
      warnings.accept("tokenledger: warning: " + e.getMessage());
    }
  }

  void heartbeatRun(Connection c, String runId, Instant now) throws SQLException {
    update(
        c,
        "UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'recording'",
        Timestamps.format(now),
        runId);
  }

  void heartbeatStep(Connection c, String runId, int index, Instant now) throws SQLException {
    update(
        c,
        "UPDATE steps SET heartbeat_at = ? WHERE run_id = ? AND step_index = ?"
            + " AND status = 'recording'",
        Timestamps.format(now),
        runId,
        index);
    touchRun(c, runId, now);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (heartbeats != null) {
        heartbeats.shutdownNow();
        heartbeats = null;
      }
    }
    db.close();
  }

  // ---------------------------------------------------------------- SQL

  private void insertRun(
      Connection c,
      String id,
      RunSpec spec,
      Instant start,
      Instant end,
      String status,
      ProcessIdentity writer,
      Instant lastSeen)
      throws SQLException {
    update(
        c,
        "INSERT INTO runs (id, experiment, framework, label, api_key_id, key_fingerprint,"
            + " project_id, model_hint, started_at, ended_at, last_seen_at, exit_code, status,"
            + " host, pid, process_started_at, source, external_id, source_path, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id,
        spec.experiment(),
        spec.framework(),
        spec.label(),
        // a key recorded by fingerprint alone gets the id that fingerprint already resolved to
        spec.apiKeyId() != null || spec.keyFingerprint() == null
            ? spec.apiKeyId()
            : MeterStore.keyIdOf(c, spec.keyFingerprint()).orElse(null),
        spec.keyFingerprint(),
        spec.projectId(),
        spec.modelHint(),
        Timestamps.format(start),
        Timestamps.format(end),
        Timestamps.format(lastSeen),
        spec.exitCode(),
        status,
        writer == null ? null : writer.host(),
        writer == null ? null : writer.pid(),
        writer == null ? null : Timestamps.format(writer.startedAt()),
        spec.source(),
        spec.externalId(),
        spec.sourcePath(),
        Timestamps.format(clock.instant()));
    if (spec.apiKeyId() != null && spec.keyFingerprint() != null) {
      // a configured id tells what the fingerprint is, for runs and requests recorded without one
      update(
          c,
          "INSERT INTO key_fingerprints (fingerprint, api_key_id, first_seen_at, resolved_at)"
              + " VALUES (?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET"
              + " api_key_id = excluded.api_key_id, resolved_at = excluded.resolved_at"
              + " WHERE key_fingerprints.api_key_id IS NULL",
          spec.keyFingerprint(),
          spec.apiKeyId(),
          Timestamps.format(clock.instant()),
          Timestamps.format(clock.instant()));
    }
  }

  /** Locks the run's row (PostgreSQL; SQLite write transactions are exclusive) and its status. */
  private String lockRunStatus(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT status FROM runs WHERE id = ?" + db.dialect().forUpdate)) {
      bind(ps, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new LedgerException(
              "no run '"
                  + runId
                  + "' in the ledger "
                  + db.location().displayName()
                  + "; 'tokenledger run list' shows the runs");
        }
        return rs.getString(1);
      }
    }
  }

  private static int nextStepIndex(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COALESCE(MAX(step_index), 0) + 1 FROM steps WHERE run_id = ?")) {
      bind(ps, runId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void touchRun(Connection c, String runId, Instant at) throws SQLException {
    String t = Timestamps.format(at);
    update(
        c,
        "UPDATE runs SET last_seen_at = CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END"
            + " WHERE id = ?",
        t,
        t,
        runId);
  }

  private Optional<RunRecord> readRun(Connection c, String runId) throws SQLException {
    List<RunRecord> runs = selectRuns(c, "WHERE id = ?", List.of(runId), null);
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
  }

  private List<RunRecord> queryRuns(Connection c, RunQuery q) throws SQLException {
    StringBuilder where = new StringBuilder("WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (q.experiment() != null) {
      where.append(" AND experiment = ?");
      args.add(q.experiment());
    }
    if (q.framework() != null) {
      where.append(" AND framework = ?");
      args.add(q.framework());
    }
    if (q.since() != null) {
      where.append(" AND started_at >= ?");
      args.add(Timestamps.format(q.since()));
    }
    if (q.until() != null) {
      where.append(" AND started_at < ?");
      args.add(Timestamps.format(q.until()));
    }
    if (q.status() == RecordingStatus.ENDED) {
      where.append(" AND status = 'ended'");
    } else if (q.status() != null) {
      where.append(" AND status IN ('recording', 'interrupted')");
    }
    // Newest first so the limit keeps the latest runs; the status a reader sees is worked out in
    // Java, so the limit is applied after that filter.
    List<RunRecord> newestFirst =
        selectRuns(c, where + " ORDER BY started_at DESC, id DESC", args, null);
    List<RunRecord> picked = new ArrayList<>();
    for (RunRecord r : newestFirst) {
      if (q.status() == null || r.status() == q.status()) {
        picked.add(r);
        if (q.limit() != null && picked.size() >= q.limit()) {
          break;
        }
      }
    }
    Collections.reverse(picked);
    return picked;
  }

  List<RunRecord> selectRuns(Connection c, String whereAndOrder, List<Object> args, Integer limit)
      throws SQLException {
    List<RunRow> rows = new ArrayList<>();
    String sql =
        "SELECT "
            + RUN_COLUMNS
            + " FROM runs "
            + whereAndOrder
            + (limit == null ? "" : " LIMIT " + limit);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(RunRow.of(rs));
        }
      }
    }
    Map<String, List<StepRow>> openSteps = new HashMap<>();
    if (rows.stream().anyMatch(r -> RECORDING.equals(r.status))) {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + STEP_COLUMNS + " FROM steps WHERE status = 'recording'");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StepRow s = StepRow.of(rs);
          openSteps.computeIfAbsent(s.runId, k -> new ArrayList<>()).add(s);
        }
      }
    }
    Instant now = clock.instant();
    List<RunRecord> out = new ArrayList<>(rows.size());
    for (RunRow r : rows) {
      out.add(toRecord(r, openSteps.getOrDefault(r.id, List.of()), now));
    }
    return out;
  }

  private Optional<StepRecord> readStep(Connection c, String runId, int index) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + STEP_COLUMNS + " FROM steps WHERE run_id = ? AND step_index = ?")) {
      bind(ps, runId, index);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(toRecord(StepRow.of(rs), clock.instant()))
            : Optional.empty();
      }
    }
  }

  private List<StepRecord> readSteps(Connection c, String runId) throws SQLException {
    return selectSteps(c, "WHERE run_id = ? ORDER BY step_index", List.of(runId));
  }

  List<StepRecord> selectSteps(Connection c, String whereAndOrder, List<Object> args)
      throws SQLException {
    List<StepRecord> out = new ArrayList<>();
    Instant now = clock.instant();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + STEP_COLUMNS + " FROM steps " + whereAndOrder)) {
      bind(ps, args.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(toRecord(StepRow.of(rs), now));
        }
      }
    }
    return out;
  }

  private RunRecord toRecord(RunRow r, List<StepRow> openSteps, Instant now) {
    Instant lastSeen = Timestamps.latest(r.lastSeenAt, r.heartbeatAt);
    RecordingStatus status = RecordingStatus.ofWord(r.status);
    if (status == RecordingStatus.RECORDING) {
      boolean alive = writerAlive(r.writer, r.heartbeatAt, now);
      for (StepRow s : openSteps) {
        lastSeen = Timestamps.latest(lastSeen, s.heartbeatAt);
        alive |= writerAlive(s.writer, s.heartbeatAt, now);
      }
      if (!alive) {
        status = RecordingStatus.INTERRUPTED;
      }
    }
    return new RunRecord(
        r.id,
        r.experiment,
        r.framework,
        r.label,
        r.apiKeyId,
        r.keyFingerprint,
        r.projectId,
        r.modelHint,
        r.startedAt,
        r.endedAt,
        lastSeen,
        r.exitCode,
        status,
        r.writer,
        r.source,
        r.externalId,
        r.sourcePath,
        r.reconcileStatus,
        Metering.of(r.metering));
  }

  private StepRecord toRecord(StepRow s, Instant now) {
    RecordingStatus status = RecordingStatus.ofWord(s.status);
    if (status == RecordingStatus.RECORDING && !writerAlive(s.writer, s.heartbeatAt, now)) {
      status = RecordingStatus.INTERRUPTED;
    }
    return new StepRecord(
        s.runId,
        s.index,
        s.name,
        s.startedAt,
        s.endedAt,
        Timestamps.latest(s.lastSeenAt, s.heartbeatAt),
        s.exitCode,
        status,
        s.writer);
  }

  /**
   * Whether a writer is (as far as anyone can tell) alive: on this host, ask the operating system;
   * elsewhere, a writer that heartbeats is dead once its heartbeat is stale; otherwise nobody can
   * tell, and it is taken as alive.
   */
  private boolean writerAlive(ProcessIdentity writer, Instant heartbeatAt, Instant now) {
    if (writer != null && writer.host().equals(localHost)) {
      return liveness.isAlive(writer);
    }
    if (heartbeatAt != null) {
      return !now.isAfter(heartbeatAt.plus(staleAfter));
    }
    return true;
  }

  private String newRunId(Instant start) {
    byte[] bytes = new byte[4];
    random.nextBytes(bytes);
    return RUN_ID_TIME.format(start) + "-" + HexFormat.of().formatHex(bytes);
  }

  private static boolean isUnique(SQLException e) {
    return Database.isUniqueViolation(e);
  }

  private static Object nullSafe(Object value) {
    return value == null ? NULL : value;
  }

  /** Marks a null argument in a list (List.of rejects nulls). */
  private static final Object NULL = new Object();

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      int p = i + 1;
      if (a == null || a == NULL) {
        ps.setNull(p, Types.NULL);
      } else if (a instanceof String s) {
        ps.setString(p, s);
      } else if (a instanceof Integer n) {
        ps.setInt(p, n);
      } else if (a instanceof Long n) {
        ps.setLong(p, n);
      } else {
        throw new IllegalArgumentException("cannot bind a " + a.getClass().getSimpleName());
      }
    }
  }

  /** The stored columns of a run, before its status is worked out. */
  private record RunRow(
      String id,
      String experiment,
      String framework,
      String label,
      String apiKeyId,
      String keyFingerprint,
      String projectId,
      String modelHint,
      Instant startedAt,
      Instant endedAt,
      Instant lastSeenAt,
      Instant heartbeatAt,
      Integer exitCode,
      String status,
      ProcessIdentity writer,
      String source,
      String externalId,
      String sourcePath,
      String reconcileStatus,
      String metering) {

    static RunRow of(ResultSet rs) throws SQLException {
      return new RunRow(
          rs.getString("id"),
          rs.getString("experiment"),
          rs.getString("framework"),
          rs.getString("label"),
          rs.getString("api_key_id"),
          rs.getString("key_fingerprint"),
          rs.getString("project_id"),
          rs.getString("model_hint"),
          Timestamps.parse(rs.getString("started_at")),
          Timestamps.parse(rs.getString("ended_at")),
          Timestamps.parse(rs.getString("last_seen_at")),
          Timestamps.parse(rs.getString("heartbeat_at")),
          intOrNull(rs, "exit_code"),
          rs.getString("status"),
          writerOf(rs),
          rs.getString("source"),
          rs.getString("external_id"),
          rs.getString("source_path"),
          rs.getString("reconcile_status"),
          rs.getString("metering"));
    }
  }

  /** The stored columns of a step, before its status is worked out. */
  private record StepRow(
      String runId,
      int index,
      String name,
      Instant startedAt,
      Instant endedAt,
      Instant lastSeenAt,
      Instant heartbeatAt,
      Integer exitCode,
      String status,
      ProcessIdentity writer) {

    static StepRow of(ResultSet rs) throws SQLException {
      return new StepRow(
          rs.getString("run_id"),
          rs.getInt("step_index"),
          rs.getString("name"),
          Timestamps.parse(rs.getString("started_at")),
          Timestamps.parse(rs.getString("ended_at")),
          Timestamps.parse(rs.getString("last_seen_at")),
          Timestamps.parse(rs.getString("heartbeat_at")),
          intOrNull(rs, "exit_code"),
          rs.getString("status"),
          writerOf(rs));
    }
  }

  private static Integer intOrNull(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static ProcessIdentity writerOf(ResultSet rs) throws SQLException {
    String host = rs.getString("host");
    long pid = rs.getLong("pid");
    if (host == null || rs.wasNull()) {
      return null;
    }
    return new ProcessIdentity(host, pid, Timestamps.parse(rs.getString("process_started_at")));
  }

  /** Settings of a {@link Ledger}; every one has a default. */
  public static final class Builder {
    private final LedgerLocation location;
    private Clock clock = Clock.systemUTC();
    private Duration heartbeatInterval = Duration.ofSeconds(30);
    private Duration staleAfter = Duration.ofMinutes(3);
    private Consumer<String> warnings = System.err::println;
    private LivenessProbe liveness = LivenessProbe.system();
    private String localHost = ProcessIdentity.localHost();
    private MeterSpill meterSpill;

    private Builder(LedgerLocation location) {
      this.location = Objects.requireNonNull(location, "location");
    }

    /** Where every recorded instant comes from (default: the UTC system clock). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * How often open runs and steps of this process are marked alive (default 30 s; zero: never).
     */
    public Builder heartbeatInterval(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("heartbeatInterval cannot be negative");
      }
      this.heartbeatInterval = value;
      return this;
    }

    /**
     * How old a heartbeat of a writer on another host may be before its run shows as interrupted
     * (default 3 min).
     */
    public Builder staleAfter(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("staleAfter must be positive");
      }
      this.staleAfter = value;
      return this;
    }

    /** Where warnings that must not stop the caller go (default: stderr). */
    public Builder warnings(Consumer<String> value) {
      this.warnings = Objects.requireNonNull(value, "warnings");
      return this;
    }

    Builder liveness(LivenessProbe value) {
      this.liveness = Objects.requireNonNull(value, "liveness");
      return this;
    }

    /** The host this reader is on (tests play a reader on another machine). */
    Builder localHost(String value) {
      this.localHost = Objects.requireNonNull(value, "localHost");
      return this;
    }

    /**
     * The spill file of metered requests that could not be written: replayed into the ledger when
     * it opens (default: none).
     */
    public Builder meterSpill(MeterSpill value) {
      this.meterSpill = Objects.requireNonNull(value, "meterSpill");
      return this;
    }

    /**
     * Opens the ledger, creating the file and migrating the schema as needed, and replays the meter
     * spill file if one is set and holds records (a failed replay is a warning: the file stays).
     */
    public Ledger open() {
      Ledger ledger = new Ledger(this, Database.open(location));
      if (meterSpill != null && meterSpill.isPending()) {
        try {
          MeterSpill.Replay replay = meterSpill.replayInto(ledger.meterStore());
          if (replay.unreadableLines() > 0) {
            warnings.accept(
                "tokenledger: warning: "
                    + replay.unreadableLines()
                    + " unreadable lines of "
                    + meterSpill.file()
                    + " were dropped (a write cut short)");
          }
        } catch (IOException | RuntimeException e) {
          warnings.accept(
              "tokenledger: warning: the metered requests spilled to "
                  + meterSpill.file()
                  + " could not be replayed yet ("
                  + e.getMessage()
                  + "); they stay there for the next time");
        }
      }
      return ledger;
    }
  }
}
