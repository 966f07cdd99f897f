package dev.tokenledger.ledger.internal;

import static dev.tokenledger.ledger.internal.RunTable.ENDED;
import static dev.tokenledger.ledger.internal.RunTable.INTERRUPTED;
import static dev.tokenledger.ledger.internal.RunTable.RECORDING;

import dev.tokenledger.ledger.ImportOutcome;
import dev.tokenledger.ledger.KeyActivity;
import dev.tokenledger.ledger.LedgerException;
import dev.tokenledger.ledger.ProcessIdentity;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.StepRecord;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.ledger.Timestamps;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Runs and steps written and read, each logical write one transaction (docs/design.md §7): what
 * {@link dev.tokenledger.ledger.Ledger} does behind its facade. Every record read comes out as a
 * reader sees it now ({@link Liveness}).
 */
public final class Runs {
  private final Sql.Transactions tx;
  private final Clock clock;
  private final Liveness liveness;
  private final String forUpdate;
  private final String ledgerName;
  private final Predicate<SQLException> isUnique;

  /**
   * @param forUpdate what locks a selected row ({@code " FOR UPDATE"} on PostgreSQL, empty on
   *     SQLite)
   * @param ledgerName the ledger's display name, for messages
   * @param isUnique whether an exception is a unique-constraint violation
   */
  public Runs(
      Sql.Transactions tx,
      Clock clock,
      Liveness liveness,
      String forUpdate,
      String ledgerName,
      Predicate<SQLException> isUnique) {
    this.tx = tx;
    this.clock = clock;
    this.liveness = liveness;
    this.forUpdate = forUpdate;
    this.ledgerName = ledgerName;
    this.isUnique = isUnique;
  }

  // ---------------------------------------------------------------- writes

  public RunRecord beginRun(RunSpec spec, ProcessIdentity writer) {
    Objects.requireNonNull(spec, "spec");
    Instant start = spec.startedAt() != null ? spec.startedAt() : clock.instant();
    for (int attempt = 1; ; attempt++) {
      String id = newRunId(start);
      try {
        return tx.inTransaction(
            "cannot start a run of " + spec.framework(),
            c -> {
              insertRun(c, id, spec, start, null, RECORDING, writer, start);
              return readRun(c, id).orElseThrow();
            });
      } catch (LedgerException e) {
        if (attempt >= 5 || !(e.getCause() instanceof SQLException se && isUnique.test(se))) {
          throw e;
        }
      }
    }
  }

  public StepRecord beginStep(
      String runId, Integer index, String name, ProcessIdentity writer, Instant at) {
    Objects.requireNonNull(runId, "runId");
    if (index != null && index < 1) {
      throw new IllegalArgumentException("step index must be 1 or more but was " + index);
    }
    Instant start = at != null ? at : clock.instant();
    return tx.inTransaction(
        "cannot start a step of run " + runId,
        c -> {
          String status = lockRunStatus(c, runId);
          if (!RECORDING.equals(status)) {
            throw new LedgerException(
                "run " + runId + " has " + status + "; start a new run to record more steps");
          }
          int idx = index != null ? index : RunTable.nextStepIndex(c, runId);
          try {
            RunTable.insertStep(c, runId, idx, name, start, writer);
          } catch (SQLException e) {
            if (isUnique.test(e)) {
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
          RunTable.touchRun(c, runId, start);
          return readStep(c, runId, idx).orElseThrow();
        });
  }

  public StepRecord endStep(String runId, int index, Integer exitCode, Instant at) {
    Instant end = at != null ? at : clock.instant();
    return tx.inTransaction(
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
                endsBeforeStart("step " + index + " of run " + runId, end, step.startedAt()));
          }
          RunTable.endStep(c, runId, index, end, exitCode);
          RunTable.touchRun(c, runId, end);
          return readStep(c, runId, index).orElseThrow();
        });
  }

  public RunRecord endRun(String runId, Integer exitCode, Instant at) {
    return tx.inTransaction(
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
                endsBeforeStart("run " + runId, end, run.startedAt()));
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
            RunTable.closeStep(c, runId, step.index(), stepEnd, stepGone ? INTERRUPTED : ENDED);
          }
          RunTable.endRun(
              c,
              runId,
              end,
              exitCode != null ? exitCode : run.exitCode(),
              run.status() == RecordingStatus.INTERRUPTED && at == null && exitCode == null
                  ? INTERRUPTED
                  : ENDED);
          return readRun(c, runId).orElseThrow();
        });
  }

  private static String endsBeforeStart(String what, Instant end, Instant start) {
    return what + " cannot end at " + end + ", before it started at " + start;
  }

  public ImportOutcome recordFinishedRun(RunSpec spec, List<StepSpec> steps) {
    Objects.requireNonNull(spec.startedAt(), "a finished run needs startedAt");
    for (int attempt = 1; ; attempt++) {
      try {
        return tx.inTransaction(
            "cannot record run "
                + Optional.ofNullable(spec.externalId()).orElse("")
                + " of "
                + spec.framework(),
            c -> recordFinished(c, spec, steps));
      } catch (LedgerException e) {
        // Two importers raced on the same external id: the second one finds it on a retry.
        if (attempt >= 3 || !(e.getCause() instanceof SQLException se && isUnique.test(se))) {
          throw e;
        }
      }
    }
  }

  private ImportOutcome recordFinished(Connection c, RunSpec spec, List<StepSpec> steps)
      throws SQLException {
    String existing =
        spec.externalId() == null
            ? null
            : RunTable.importedRunId(c, spec.source(), spec.externalId()).orElse(null);
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
      RunTable.endImportedRun(c, runId, spec.endedAt(), spec.exitCode(), lastSeen);
    }
    boolean keyIdAdded =
        !created && spec.apiKeyId() != null && RunTable.addKeyId(c, runId, spec.apiKeyId());
    if (!created && spec.keyFingerprint() != null) {
      RunTable.addKeyFingerprint(c, runId, spec.keyFingerprint());
    }
    int added = 0;
    for (StepSpec s : steps) {
      added += RunTable.insertImportedStep(c, runId, s);
    }
    return new ImportOutcome(runId, created, added, keyIdAdded);
  }

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
    // a key recorded by fingerprint alone gets the id that fingerprint already resolved to
    String apiKeyId =
        spec.apiKeyId() != null || spec.keyFingerprint() == null
            ? spec.apiKeyId()
            : KeyFingerprints.idOf(c, spec.keyFingerprint()).orElse(null);
    RunTable.insertRun(
        c, id, spec, apiKeyId, start, end, status, writer, lastSeen, clock.instant());
    if (spec.apiKeyId() != null && spec.keyFingerprint() != null) {
      // a configured id tells what the fingerprint is, for runs and requests recorded without one
      KeyFingerprints.resolveIfUnknown(c, spec.keyFingerprint(), spec.apiKeyId(), clock.instant());
    }
  }

  /** Locks the run's row (PostgreSQL; SQLite write transactions are exclusive) and its status. */
  private String lockRunStatus(Connection c, String runId) throws SQLException {
    return RunTable.lockStatus(c, runId, forUpdate)
        .orElseThrow(() -> LedgerException.noSuchRun(runId, ledgerName));
  }

  /**
   * The run's start to the second in UTC ({@code uuuuMMdd-HHmmss}) and 32 random bits. The bits
   * need not be secret, only unlikely to repeat within a second (a repeat is retried): {@code
   * SecureRandom}'s provider set-up was a tenth of {@code run exec}'s execution. The time is cut
   * from the stored form rather than formatted: a {@code DateTimeFormatter} builds all of the JDK's
   * ISO formatters at its first use (docs/performance.md).
   */
  private static String newRunId(Instant start) {
    String t = Timestamps.format(start); // uuuu-MM-ddTHH:mm:ss.SSSSSSZ
    return t.substring(0, 4)
        + t.substring(5, 7)
        + t.substring(8, 10)
        + "-"
        + t.substring(11, 13)
        + t.substring(14, 16)
        + t.substring(17, 19)
        + "-"
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  }

  /** What writes a heartbeat of run {@code runId}. */
  public Heartbeats.Beat runBeat(String runId) {
    return (c, now) -> RunTable.heartbeatRun(c, runId, now);
  }

  /** What writes a heartbeat of step {@code index} of run {@code runId}. */
  public Heartbeats.Beat stepBeat(String runId, int index) {
    return (c, now) -> {
      RunTable.heartbeatStep(c, runId, index, now);
      RunTable.touchRun(c, runId, now);
    };
  }

  // ---------------------------------------------------------------- reads

  public Optional<RunRecord> findRun(String runId) {
    return tx.read("cannot read run " + runId, c -> readRun(c, runId));
  }

  public List<StepRecord> steps(String runId) {
    return tx.read("cannot read the steps of run " + runId, c -> readSteps(c, runId));
  }

  public List<RunRecord> runs(RunQuery query) {
    return tx.read("cannot list runs", c -> queryRuns(c, query));
  }

  public KeyActivity keyActivity(String keyFingerprint, String apiKeyId) {
    if (keyFingerprint == null && apiKeyId == null) {
      return new KeyActivity(null, List.of());
    }
    return tx.read(
        "cannot read the windows of a key",
        c -> {
          Instant last = RunTable.lastEndOfKey(c, keyFingerprint, apiKeyId);
          List<String> recording = new ArrayList<>();
          for (RunRecord r :
              liveness.seen(
                  c, RunTable.recordingRunsOfKey(c, keyFingerprint, apiKeyId), clock.instant())) {
            if (r.status() == RecordingStatus.RECORDING) {
              recording.add(r.id());
            } else {
              last = Timestamps.latest(last, r.lastSeenAt());
            }
          }
          return new KeyActivity(last, recording);
        });
  }

  /** The runs {@code whereAndOrder} selects, as a reader sees them now. */
  public List<RunRecord> selectRuns(Connection c, String whereAndOrder, List<?> args)
      throws SQLException {
    return liveness.seen(c, RunTable.selectRuns(c, whereAndOrder, args), clock.instant());
  }

  /** The steps {@code whereAndOrder} selects, as a reader sees them now. */
  public List<StepRecord> selectSteps(Connection c, String whereAndOrder, List<?> args)
      throws SQLException {
    return liveness.seen(RunTable.selectSteps(c, whereAndOrder, args), clock.instant());
  }

  private Optional<RunRecord> readRun(Connection c, String runId) throws SQLException {
    return selectRuns(c, "WHERE id = ?", List.of(runId)).stream().findFirst();
  }

  private Optional<StepRecord> readStep(Connection c, String runId, int index) throws SQLException {
    return selectSteps(c, "WHERE run_id = ? AND step_index = ?", List.of(runId, index)).stream()
        .findFirst();
  }

  private List<StepRecord> readSteps(Connection c, String runId) throws SQLException {
    return selectSteps(c, "WHERE run_id = ? ORDER BY step_index", List.of(runId));
  }

  private List<RunRecord> queryRuns(Connection c, RunQuery q) throws SQLException {
    Where where =
        new Where()
            .andIfGiven("experiment = ?", q.experiment())
            .andIfGiven("framework = ?", q.framework())
            .andIfGiven("started_at >= ?", Timestamps.format(q.since()))
            .andIfGiven("started_at < ?", Timestamps.format(q.until()));
    if (q.status() == RecordingStatus.ENDED) {
      where.and("status = 'ended'");
    } else if (q.status() != null) {
      where.and("status IN ('recording', 'interrupted')");
    }
    // Newest first so the limit keeps the latest runs; the status a reader sees is worked out in
    // Java, so the limit is applied after that filter.
    List<RunRecord> newestFirst =
        selectRuns(c, where.then("ORDER BY started_at DESC, id DESC"), where.args());
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
}
