package dev.tokenledger.ledger.internal;

import static dev.tokenledger.ledger.internal.Sql.intOrNull;
import static dev.tokenledger.ledger.internal.Sql.list;
import static dev.tokenledger.ledger.internal.Sql.update;

import dev.tokenledger.ledger.Metering;
import dev.tokenledger.ledger.ProcessIdentity;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.StepRecord;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.ledger.Timestamps;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every statement on the {@code runs} and {@code steps} tables, and their row mapping, done once: a
 * row becomes a {@link RunRecord} or {@link StepRecord} with its stored status; {@link Liveness}
 * then tells how a reader sees it now.
 */
final class RunTable {
  public static final String RECORDING = "recording";
  public static final String ENDED = "ended";
  public static final String INTERRUPTED = "interrupted";

  private static final String RUN_COLUMNS =
      "id, experiment, framework, label, api_key_id, key_fingerprint, project_id, model_hint,"
          + " started_at, ended_at, last_seen_at, heartbeat_at, exit_code, status, host, pid,"
          + " process_started_at, source, external_id, source_path, reconcile_status, metering";
  private static final String STEP_COLUMNS =
      "run_id, step_index, name, started_at, ended_at, last_seen_at, heartbeat_at, exit_code,"
          + " status, host, pid, process_started_at";

  private RunTable() {}

  // ---------------------------------------------------------------- runs

  /** Inserts run {@code id} of {@code spec}; {@code apiKeyId} is the id to store for its key. */
  public static void insertRun(
      Connection c,
      String id,
      RunSpec spec,
      String apiKeyId,
      Instant start,
      Instant end,
      String status,
      ProcessIdentity writer,
      Instant lastSeen,
      Instant now)
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
        apiKeyId,
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
        Timestamps.format(now));
  }

  /**
   * The status of run {@code runId}, its row locked ({@code forUpdate}: PostgreSQL's {@code FOR
   * UPDATE}; SQLite write transactions are exclusive); empty when there is no such run.
   */
  public static Optional<String> lockStatus(Connection c, String runId, String forUpdate)
      throws SQLException {
    return list(c, "SELECT status FROM runs WHERE id = ?" + forUpdate, rs -> rs.getString(1), runId)
        .stream()
        .findFirst();
  }

  /** The id of the run imported from {@code source} as {@code externalId}, if there is one. */
  public static Optional<String> importedRunId(Connection c, String source, String externalId)
      throws SQLException {
    return list(
            c,
            "SELECT id FROM runs WHERE source = ? AND external_id = ?",
            rs -> rs.getString(1),
            source,
            externalId)
        .stream()
        .findFirst();
  }

  /** Moves the run's last sign of life to {@code at}, never back. */
  public static void touchRun(Connection c, String runId, Instant at) throws SQLException {
    String t = Timestamps.format(at);
    update(
        c,
        "UPDATE runs SET last_seen_at = CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END"
            + " WHERE id = ?",
        t,
        t,
        runId);
  }

  /** Ends run {@code runId} at {@code end} with {@code status}; its last sign of life follows. */
  public static void endRun(
      Connection c, String runId, Instant end, Integer exitCode, String status)
      throws SQLException {
    update(
        c,
        "UPDATE runs SET ended_at = ?, exit_code = ?, status = ?,"
            + " last_seen_at = CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END"
            + " WHERE id = ?",
        Timestamps.format(end),
        exitCode,
        status,
        Timestamps.format(end),
        Timestamps.format(end),
        runId);
  }

  /** Gives an imported run without an end the end an import found, keeping its exit code. */
  public static void endImportedRun(
      Connection c, String runId, Instant end, Integer exitCode, Instant lastSeen)
      throws SQLException {
    update(
        c,
        "UPDATE runs SET ended_at = ?, status = ?, exit_code = COALESCE(exit_code, ?),"
            + " last_seen_at = CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END"
            + " WHERE id = ? AND ended_at IS NULL",
        Timestamps.format(end),
        ENDED,
        exitCode,
        Timestamps.format(lastSeen),
        Timestamps.format(lastSeen),
        runId);
  }

  /** Gives run {@code runId} a key id if it had none; whether it did. */
  public static boolean addKeyId(Connection c, String runId, String apiKeyId) throws SQLException {
    return update(
            c,
            "UPDATE runs SET api_key_id = ? WHERE id = ? AND api_key_id IS NULL",
            apiKeyId,
            runId)
        > 0;
  }

  /** Gives run {@code runId} a key fingerprint if it had none. */
  public static void addKeyFingerprint(Connection c, String runId, String fingerprint)
      throws SQLException {
    update(
        c,
        "UPDATE runs SET key_fingerprint = ? WHERE id = ? AND key_fingerprint IS NULL",
        fingerprint,
        runId);
  }

  /** Marks run {@code runId} alive at {@code now}, while it is recording. */
  public static void heartbeatRun(Connection c, String runId, Instant now) throws SQLException {
    update(
        c,
        "UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'recording'",
        Timestamps.format(now),
        runId);
  }

  /**
   * The runs {@code whereAndOrder} selects (a WHERE clause with {@code ?} for {@code args}, and an
   * ORDER BY), with their stored status.
   */
  public static List<RunRecord> selectRuns(Connection c, String whereAndOrder, List<?> args)
      throws SQLException {
    return list(
        c, "SELECT " + RUN_COLUMNS + " FROM runs " + whereAndOrder, RunTable::run, args.toArray());
  }

  /** The latest end of a run or step of the key with {@code keyFingerprint} or {@code apiKeyId}. */
  public static Instant lastEndOfKey(Connection c, String keyFingerprint, String apiKeyId)
      throws SQLException {
    String match = "(r.key_fingerprint = ? OR r.api_key_id = ?)";
    return list(
            c,
            "SELECT MAX(r.ended_at), (SELECT MAX(s.ended_at) FROM steps s JOIN runs r"
                + " ON r.id = s.run_id WHERE "
                + match
                + ") FROM runs r WHERE "
                + match,
            rs ->
                Timestamps.latest(
                    Timestamps.parse(rs.getString(1)), Timestamps.parse(rs.getString(2))),
            keyFingerprint,
            apiKeyId,
            keyFingerprint,
            apiKeyId)
        .stream()
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /** The runs of the key with {@code keyFingerprint} or {@code apiKeyId} stored as recording. */
  public static List<RunRecord> recordingRunsOfKey(
      Connection c, String keyFingerprint, String apiKeyId) throws SQLException {
    return selectRuns(
        c,
        "WHERE status = 'recording' AND (key_fingerprint = ? OR api_key_id = ?)",
        java.util.Arrays.asList(keyFingerprint, apiKeyId));
  }

  // ---------------------------------------------------------------- steps

  /** The next free step index of run {@code runId}. */
  public static int nextStepIndex(Connection c, String runId) throws SQLException {
    return list(
            c,
            "SELECT COALESCE(MAX(step_index), 0) + 1 FROM steps WHERE run_id = ?",
            rs -> rs.getInt(1),
            runId)
        .get(0);
  }

  /** Inserts step {@code index} of run {@code runId}, recording, owned by {@code writer}. */
  public static void insertStep(
      Connection c, String runId, int index, String name, Instant start, ProcessIdentity writer)
      throws SQLException {
    update(
        c,
        "INSERT INTO steps (run_id, step_index, name, started_at, last_seen_at, status,"
            + " host, pid, process_started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        runId,
        index,
        name,
        Timestamps.format(start),
        Timestamps.format(start),
        RECORDING,
        writer == null ? null : writer.host(),
        writer == null ? null : writer.pid(),
        writer == null ? null : Timestamps.format(writer.startedAt()));
  }

  /** Inserts a finished (or interrupted) step of an import, unless the run has it; 1 if added. */
  public static int insertImportedStep(Connection c, String runId, StepSpec s) throws SQLException {
    return update(
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

  /** Ends step {@code index} of run {@code runId} at {@code end}, as its writer closes it. */
  public static void endStep(Connection c, String runId, int index, Instant end, Integer exitCode)
      throws SQLException {
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
  }

  /** Closes step {@code index} of run {@code runId} at {@code end} with {@code status}. */
  public static void closeStep(Connection c, String runId, int index, Instant end, String status)
      throws SQLException {
    update(
        c,
        "UPDATE steps SET ended_at = ?, status = ? WHERE run_id = ? AND step_index = ?",
        Timestamps.format(end),
        status,
        runId,
        index);
  }

  /** Marks step {@code index} of run {@code runId} alive at {@code now}, while it is recording. */
  public static void heartbeatStep(Connection c, String runId, int index, Instant now)
      throws SQLException {
    update(
        c,
        "UPDATE steps SET heartbeat_at = ? WHERE run_id = ? AND step_index = ?"
            + " AND status = 'recording'",
        Timestamps.format(now),
        runId,
        index);
  }

  /** The steps {@code whereAndOrder} selects, with their stored status. */
  public static List<StepRecord> selectSteps(Connection c, String whereAndOrder, List<?> args)
      throws SQLException {
    // the steps of one run repeat its id, and most runs' steps repeat the same names: one String
    // each, as a pass holds every claimed run's steps at once
    Map<String, String> same = new HashMap<>();
    return list(
        c,
        "SELECT " + STEP_COLUMNS + " FROM steps " + whereAndOrder,
        rs -> step(rs, same),
        args.toArray());
  }

  /** Every step stored as recording, of any run. */
  public static List<StepRecord> recordingSteps(Connection c) throws SQLException {
    return selectSteps(c, "WHERE status = 'recording'", List.of());
  }

  // ---------------------------------------------------------------- row mapping

  // Columns by position, in the order of RUN_COLUMNS and STEP_COLUMNS: the driver looks a name up
  // in a map for every value, and a pass reads 70,000 rows of a dozen columns and more.

  private static RunRecord run(ResultSet rs) throws SQLException {
    Instant heartbeat = Timestamps.parse(rs.getString(12));
    return new RunRecord(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        Timestamps.parse(rs.getString(9)),
        Timestamps.parse(rs.getString(10)),
        Timestamps.latest(Timestamps.parse(rs.getString(11)), heartbeat),
        heartbeat,
        intOrNull(rs, 13),
        RecordingStatus.ofWord(rs.getString(14)),
        writerOf(rs, 15),
        rs.getString(18),
        rs.getString(19),
        rs.getString(20),
        Statuses.reconcileStatus(rs.getString(21)),
        Metering.of(rs.getString(22)));
  }

  private static StepRecord step(ResultSet rs, Map<String, String> same) throws SQLException {
    Instant heartbeat = Timestamps.parse(rs.getString(7));
    String name = rs.getString(3);
    return new StepRecord(
        same.computeIfAbsent(rs.getString(1), k -> k),
        rs.getInt(2),
        name == null ? null : same.computeIfAbsent(name, k -> k),
        Timestamps.parse(rs.getString(4)),
        Timestamps.parse(rs.getString(5)),
        Timestamps.latest(Timestamps.parse(rs.getString(6)), heartbeat),
        heartbeat,
        intOrNull(rs, 8),
        RecordingStatus.ofWord(rs.getString(9)),
        writerOf(rs, 10));
  }

  /** The writer from columns host, pid and process_started_at, from {@code host} on. */
  private static ProcessIdentity writerOf(ResultSet rs, int host) throws SQLException {
    String name = rs.getString(host);
    long pid = rs.getLong(host + 1);
    if (name == null || rs.wasNull()) {
      return null;
    }
    return new ProcessIdentity(name, pid, Timestamps.parse(rs.getString(host + 2)));
  }
}
