package dev.tokenledger.ledger;

import dev.tokenledger.figures.ReconcileStatus;
import java.time.Instant;

/**
 * A run as the ledger holds it, with its status as a reader sees it now: a run whose writer died is
 * {@link RecordingStatus#INTERRUPTED} and ends at {@link #lastSeenAt()}.
 *
 * @param endedAt the stored end; null while recording and for a run interrupted but not closed
 * @param lastSeenAt the last time the run's writers were heard from (step changes, heartbeats)
 * @param heartbeatAt the last heartbeat of the run's writer, null when it sent none
 * @param writer the process that owns the run, null when unknown (imports)
 * @param metering whether a metering proxy recorded the run's requests
 */
public record RunRecord(
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
    RecordingStatus status,
    ProcessIdentity writer,
    String source,
    String externalId,
    String sourcePath,
    ReconcileStatus reconcileStatus,
    Metering metering)
    implements Recorded {

  /** Whether the run's figures are its metered requests (metered, and the meter did not fail). */
  public boolean metered() {
    return metering == Metering.METERED;
  }
}
