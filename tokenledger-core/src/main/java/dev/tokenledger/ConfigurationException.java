package dev.tokenledger;

/**
 * The configuration is missing or wrong (no usage key, an unreadable file, a bad setting): nothing
 * was sent anywhere. The message names the setting and how to fix it.
 */
public class ConfigurationException extends TokenLedgerException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
