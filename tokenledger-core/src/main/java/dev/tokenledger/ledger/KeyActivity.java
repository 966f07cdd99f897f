package dev.tokenledger.ledger;

import java.time.Instant;
import java.util.List;

/**
 * What the ledger knows about a framework key's recorded windows, for minute fencing: the latest
 * instant at which one of its runs or steps ended, and the runs still recording with it.
 *
 * @param lastWindowEnd null when no window of the key has ended yet
 */
public record KeyActivity(Instant lastWindowEnd, List<String> recordingRunIds) {

  public KeyActivity {
    recordingRunIds = List.copyOf(recordingRunIds);
  }
}
