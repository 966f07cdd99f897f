package dev.tokenledger.openai;

/**
 * The API could not be reached or kept failing (rate limited, server errors, network) until the
 * retries ran out; keeps the last error and how many attempts were made.
 */
public class ApiUnavailableException extends OpenAiException {
  private static final long serialVersionUID = 1L;

  /** What the last attempt ran into. */
  public enum Reason {
    /** HTTP 429. */
    RATE_LIMITED,
    /** HTTP 429 with {@code insufficient_quota}: retrying does not help, billing does. */
    QUOTA_EXCEEDED,
    /** HTTP 5xx or 409. */
    SERVER_ERROR,
    /** HTTP 408, or no response within the connect or read timeout. */
    TIMEOUT,
    /** The connection failed: refused, reset, closed early, unknown host. */
    NETWORK,
    /** The waiting thread was interrupted. */
    INTERRUPTED
  }

  private final Reason reason;
  private final int attempts;

  public ApiUnavailableException(
      String message,
      ApiCall call,
      int httpStatus,
      ApiError apiError,
      Reason reason,
      int attempts,
      Throwable cause) {
    super(message, call, httpStatus, apiError, cause);
    this.reason = reason;
    this.attempts = attempts;
  }

  public Reason reason() {
    return reason;
  }

  /** HTTP attempts made, the failed ones included. */
  public int attempts() {
    return attempts;
  }
}
