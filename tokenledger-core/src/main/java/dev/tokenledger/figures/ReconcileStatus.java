package dev.tokenledger.figures;

import java.util.Locale;

/** Where a run stands in settling against the Usage API. */
public enum ReconcileStatus {
  /** The run ended less than min-age ago (or is still open), or no read has succeeded yet. */
  PENDING,
  /** Reads succeed, but not yet enough identical ones, far enough apart. */
  SETTLING,
  /** Enough identical reads, spaced by the interval, and the run is old enough. */
  FINAL,
  /**
   * A read went down, a read after final changed, or local counts and the API disagree after
   * settling; needs a person.
   */
  WARNING,
  /** The last read failed; the previous figures and status stand. */
  ERROR;

  // made once: every row the ledger reads names a status
  private final String label = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in output and storage, e.g. {@code settling}. */
  public String label() {
    return label;
  }

  /** The status for a label written by {@link #label()}. */
  public static ReconcileStatus fromLabel(String label) {
    for (ReconcileStatus status : values()) {
      if (status.label().equals(label)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "unknown reconcile status '"
            + label
            + "': expected one of pending, settling, final, warning, error");
  }
}
