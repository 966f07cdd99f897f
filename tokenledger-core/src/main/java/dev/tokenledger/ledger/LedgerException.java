package dev.tokenledger.ledger;

import dev.tokenledger.TokenLedgerException;

/**
 * The ledger could not be opened, read or written (a locked or read-only file, an unreachable
 * database, a run that does not exist). The message names the ledger and what failed; database
 * credentials in it or in its causes (a JDBC URL, a driver's message) are redacted here, once for
 * every caller.
 */
public class LedgerException extends TokenLedgerException {
  private static final long serialVersionUID = 1L;

  public LedgerException(String message) {
    super(Credentials.redact(message));
  }

  public LedgerException(String message, Throwable cause) {
    super(Credentials.redact(message), Credentials.sanitized(cause));
  }

  /** The error for a run id the ledger named {@code ledgerName} does not hold. */
  public static LedgerException noSuchRun(String runId, String ledgerName) {
    return new LedgerException(
        "no run '"
            + runId
            + "' in the ledger "
            + ledgerName
            + "; 'tokenledger run list' shows the runs");
  }
}
