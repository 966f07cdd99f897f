package dev.tokenledger.ledger;

import java.util.Locale;

/** Where a run or step stands as far as recording goes (not reconciliation). */
public enum RecordingStatus {
  /** Started and not ended; its writer is alive, or nobody can tell that it is not. */
  RECORDING,
  /** Ended by its writer, or closed by hand. */
  ENDED,
  /** Its writer died before ending it; its window ends at the last time it was seen. */
  INTERRUPTED;

  // made once: every run and step the ledger reads names a status
  private final String word = name().toLowerCase(Locale.ROOT);

  /** The lower-case word stored in the ledger and printed by commands. */
  public String word() {
    return word;
  }

  /** The status for a stored or typed word; the message lists the valid words. */
  public static RecordingStatus ofWord(String word) {
    for (RecordingStatus s : values()) {
      if (s.word().equalsIgnoreCase(word.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown status '" + word + "': expected one of recording, ended, interrupted");
  }
}
