package dev.tokenledger.ledger.internal;

import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.LedgerException;

/** Stored status labels read back as their types, once, where a row is mapped. */
public final class Statuses {
  private Statuses() {}

  /** The reconcile status stored as {@code label} ({@code runs}, {@code reconcile_attempts}). */
  public static ReconcileStatus reconcileStatus(String label) {
    try {
      return ReconcileStatus.fromLabel(label);
    } catch (IllegalArgumentException e) {
      throw new LedgerException(
          "the ledger holds an unknown reconcile status '"
              + label
              + "': expected one of pending, settling, final, warning, error (a newer tokenledger"
              + " wrote it?)");
    }
  }

  /** The exactness stored as {@code label} ({@code reconcile_figures}, {@code attributions}). */
  public static Exactness exactness(String label) {
    for (Exactness e : Exactness.values()) {
      if (e.label().equals(label)) {
        return e;
      }
    }
    throw new LedgerException(
        "the ledger holds an unknown exactness '" + label + "': expected exact or apportioned");
  }
}
