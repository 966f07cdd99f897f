package dev.tokenledger.ledger.internal;

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
}
