package dev.tokenledger.figures;

import java.util.Locale;

/**
 * Whether a figure made from the Usage API's minute buckets is what the API filed for it, or a
 * share of minutes it split with other runs or steps. A property of the minutes a figure counts,
 * apart from where it came from ({@link Basis}): a metered figure is exact by construction.
 */
public enum Exactness {
  /** Every minute it counts was its alone. */
  EXACT,
  /** At least one minute was shared and split: the figure lies between its bounds. */
  APPORTIONED;

  /** {@link #APPORTIONED} when any minute was shared, else {@link #EXACT}. */
  public static Exactness of(boolean shared) {
    return shared ? APPORTIONED : EXACT;
  }

  /** Apportioned when either is: a sum of figures is exact only when each part is. */
  public Exactness and(Exactness other) {
    return this == APPORTIONED ? this : other;
  }

  /** How a figure of this exactness read from the Usage API was obtained. */
  public Basis basis() {
    return this == APPORTIONED ? Basis.APPORTIONED : Basis.EXACT;
  }

  /** The word output and the ledger's {@code exactness} columns hold, e.g. {@code apportioned}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
