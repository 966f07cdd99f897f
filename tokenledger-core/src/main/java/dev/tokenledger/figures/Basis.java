package dev.tokenledger.figures;

import java.util.Locale;

/**
 * How a figure shown was obtained: from the Usage API's minute buckets, {@link Exactness exact or
 * apportioned}, or metered. The word a report row, a run's reconciliation and a pass's outcome
 * carry; a stored figure carries its {@link Exactness}.
 */
public enum Basis {
  /** From the Usage API, every minute its own ({@link Exactness#EXACT}). */
  EXACT,
  /** From the Usage API, a minute shared and split ({@link Exactness#APPORTIONED}). */
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
