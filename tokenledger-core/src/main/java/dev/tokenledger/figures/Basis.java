package dev.tokenledger.figures;

import java.util.Locale;

/** How a figure was obtained from minute buckets. */
public enum Basis {
  /** Every minute it counts was its alone: the figure is what the Usage API filed for it. */
  EXACT,
  /**
   * At least one minute was shared and split: the figure lies between its lower and upper bound.
   */
  APPORTIONED,
  /**
   * Metered: the sum of the run's or step's own metered requests, exact by construction; the Usage
   * API audits it.
   */
  METERED;

  /** The word output writes, e.g. {@code apportioned}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
