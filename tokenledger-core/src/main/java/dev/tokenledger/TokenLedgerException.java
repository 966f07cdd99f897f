package dev.tokenledger;

/**
 * The root of every exception tokenledger throws on purpose. Subclasses say what failed so a caller
 * can act on it; messages name the endpoint, file or setting involved and never contain a key.
 */
public class TokenLedgerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TokenLedgerException(String message) {
    super(message);
  }

  public TokenLedgerException(String message, Throwable cause) {
    super(message, cause);
  }
}
