package dev.tokenledger.ledger;

import java.time.Instant;

/**
 * A step of a run as the ledger holds it, with its status as a reader sees it now.
 *
 * @param lastSeenAt the last time the step's writer was heard from
 * @param heartbeatAt the last heartbeat of the step's writer, null when it sent none
 */
public record StepRecord(
    String runId,
    int index,
    String name,
    Instant startedAt,
    Instant endedAt,
    Instant lastSeenAt,
    Instant heartbeatAt,
    Integer exitCode,
    RecordingStatus status,
    ProcessIdentity writer)
    implements Recorded {}
