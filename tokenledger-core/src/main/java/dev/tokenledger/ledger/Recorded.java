package dev.tokenledger.ledger;

import java.time.Instant;

/** What a run and a step as the ledger holds them share: a window, whose end a reader works out. */
sealed interface Recorded permits RunRecord, StepRecord {
  Instant endedAt();

  Instant lastSeenAt();

  RecordingStatus status();

  /**
   * Where the window ends: its end, its last sign of life when its writer died, null while it is
   * still recording.
   */
  default Instant effectiveEnd() {
    if (endedAt() != null) {
      return endedAt();
    }
    return status() == RecordingStatus.INTERRUPTED ? lastSeenAt() : null;
  }
}
