package dev.tokenledger.openai;

/**
 * A response body was not what the API promises (an HTML page, a truncated or non-JSON body, JSON
 * of the wrong shape, an unexpected status); keeps the first bytes, made safe to print.
 */
public class BadResponseException extends OpenAiException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the body. */
  public enum Kind {
    /** An HTML page, typically from a proxy or a wrong base URL. */
    HTML,
    /** Something else that is not JSON. */
    NOT_JSON,
    /** JSON that ends early. */
    TRUNCATED,
    /** No body at all. */
    EMPTY,
    /** Valid JSON, but not the expected structure or values. */
    UNEXPECTED_JSON,
    /** A status the API does not use for this call, such as a redirect. */
    UNEXPECTED_STATUS
  }

  private final Kind kind;
  private final String bodyStart;

  public BadResponseException(
      String message, ApiCall call, int httpStatus, Kind kind, String bodyStart, Throwable cause) {
    super(message, call, httpStatus, null, cause);
    this.kind = kind;
    this.bodyStart = bodyStart;
  }

  public Kind kind() {
    return kind;
  }

  /** The first characters of the body, control characters and keys removed. */
  public String bodyStart() {
    return bodyStart;
  }
}
