package dev.tokenledger.openai;

import dev.tokenledger.TokenLedgerException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A call to the OpenAI API failed; subclasses say how. Keeps the request ({@link #call()}), the
 * HTTP status and OpenAI's error fields; never holds a key.
 */
public class OpenAiException extends TokenLedgerException {
  private static final long serialVersionUID = 1L;

  private final transient ApiCall call;
  private final int httpStatus;
  private final transient ApiError apiError;

  /**
   * @param httpStatus the status of the (last) response, or 0 when none was received
   * @param apiError OpenAI's error body, or {@code null}
   */
  public OpenAiException(
      String message, ApiCall call, int httpStatus, ApiError apiError, Throwable cause) {
    super(message, cause);
    this.call = call;
    this.httpStatus = httpStatus;
    this.apiError = apiError;
  }

  /** The request that failed, or {@code null} when the data did not come from a request. */
  public ApiCall call() {
    return call;
  }

  /** The endpoint path, e.g. {@code /organization/usage/completions}, or {@code null}. */
  public String endpoint() {
    return call == null ? null : call.path();
  }

  /** The query string sent, or {@code null}. */
  public String query() {
    return call == null ? null : call.query();
  }

  /** The HTTP status of the (last) response, if one was received. */
  public OptionalInt httpStatus() {
    return httpStatus == 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /** OpenAI's {@code error} object, when the body had one. */
  public Optional<ApiError> apiError() {
    return Optional.ofNullable(apiError);
  }
}
