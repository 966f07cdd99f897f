package dev.tokenledger.reconcile;

import dev.tokenledger.TokenLedgerException;

/**
 * A reconcile request that cannot be done as asked, e.g. accepting a run that is not in warning.
 */
public class ReconcileException extends TokenLedgerException {
  private static final long serialVersionUID = 1L;

  public ReconcileException(String message) {
    super(message);
  }
}
