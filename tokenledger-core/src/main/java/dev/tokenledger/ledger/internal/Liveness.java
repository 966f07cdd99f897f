package dev.tokenledger.ledger.internal;

import dev.tokenledger.ledger.ProcessIdentity;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.StepRecord;
import dev.tokenledger.ledger.Timestamps;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Whether a writer (of a run or step) or a holder (of a claim) is alive, decided in one place: on
 * this host, ask the operating system; elsewhere, a writer that heartbeats is dead once its
 * heartbeat is older than {@code staleAfter}; otherwise nobody can tell, and it is taken as alive.
 * A run or step stored as recording whose writers are all gone reads as {@link
 * RecordingStatus#INTERRUPTED}.
 */
public final class Liveness {
  private final Predicate<ProcessIdentity> aliveOnThisHost;
  private final String localHost;
  private final Duration staleAfter;

  public Liveness(
      Predicate<ProcessIdentity> aliveOnThisHost, String localHost, Duration staleAfter) {
    this.aliveOnThisHost = aliveOnThisHost;
    this.localHost = localHost;
    this.staleAfter = staleAfter;
  }

  /** Whether {@code process} ran on this host and is gone: its claims are free. */
  public boolean goneFromThisHost(ProcessIdentity process) {
    return process.host().equals(localHost) && process.pid() > 0 && !aliveOnThisHost.test(process);
  }

  /** Whether a writer that last heartbeat at {@code heartbeatAt} (or null) is alive at now. */
  public boolean writerAlive(ProcessIdentity writer, Instant heartbeatAt, Instant now) {
    if (writer != null && writer.host().equals(localHost)) {
      return aliveOnThisHost.test(writer);
    }
    if (heartbeatAt != null) {
      return !now.isAfter(heartbeatAt.plus(staleAfter));
    }
    return true;
  }

  /** {@code stored} runs as a reader sees them at {@code now} (their open steps are read). */
  public List<RunRecord> seen(Connection c, List<RunRecord> stored, Instant now)
      throws SQLException {
    Map<String, List<StepRecord>> openSteps = new HashMap<>();
    if (stored.stream().anyMatch(r -> r.status() == RecordingStatus.RECORDING)) {
      for (StepRecord s : RunTable.recordingSteps(c)) {
        openSteps.computeIfAbsent(s.runId(), k -> new ArrayList<>()).add(s);
      }
    }
    List<RunRecord> out = new ArrayList<>(stored.size());
    for (RunRecord r : stored) {
      out.add(seen(r, openSteps.getOrDefault(r.id(), List.of()), now));
    }
    return out;
  }

  /** {@code stored} steps as a reader sees them at {@code now}. */
  public List<StepRecord> seen(List<StepRecord> stored, Instant now) {
    List<StepRecord> out = new ArrayList<>(stored.size());
    for (StepRecord s : stored) {
      boolean gone =
          s.status() == RecordingStatus.RECORDING && !writerAlive(s.writer(), s.heartbeatAt(), now);
      out.add(
          gone
              ? new StepRecord(
                  s.runId(),
                  s.index(),
                  s.name(),
                  s.startedAt(),
                  s.endedAt(),
                  s.lastSeenAt(),
                  s.heartbeatAt(),
                  s.exitCode(),
                  RecordingStatus.INTERRUPTED,
                  s.writer())
              : s);
    }
    return out;
  }

  private RunRecord seen(RunRecord r, List<StepRecord> openSteps, Instant now) {
    if (r.status() != RecordingStatus.RECORDING) {
      return r;
    }
    Instant lastSeen = r.lastSeenAt();
    boolean alive = writerAlive(r.writer(), r.heartbeatAt(), now);
    for (StepRecord s : openSteps) {
      lastSeen = Timestamps.latest(lastSeen, s.heartbeatAt());
      alive |= writerAlive(s.writer(), s.heartbeatAt(), now);
    }
    return new RunRecord(
        r.id(),
        r.experiment(),
        r.framework(),
        r.label(),
        r.apiKeyId(),
        r.keyFingerprint(),
        r.projectId(),
        r.modelHint(),
        r.startedAt(),
        r.endedAt(),
        lastSeen,
        r.heartbeatAt(),
        r.exitCode(),
        alive ? RecordingStatus.RECORDING : RecordingStatus.INTERRUPTED,
        r.writer(),
        r.source(),
        r.externalId(),
        r.sourcePath(),
        r.reconcileStatus(),
        r.metering());
  }
}
