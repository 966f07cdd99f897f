package dev.tokenledger.openai;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;

/**
 * A body did not parse as the expected page; the client turns it into a {@link
 * BadResponseException}.
 */
final class PageFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final BadResponseException.Kind kind;

  PageFormatException(BadResponseException.Kind kind, String detail, Throwable cause) {
    super(detail, cause);
    this.kind = kind;
  }

  /** Classifies a body Jackson could not read: empty, truncated, HTML or other non-JSON. */
  static PageFormatException unreadable(byte[] body, IOException e) {
    if (body == null || PageParser.isBlank(body)) {
      return new PageFormatException(BadResponseException.Kind.EMPTY, "the body is empty", e);
    }
    long at =
        e instanceof StreamReadException s && s.getLocation() != null
            ? s.getLocation().getByteOffset()
            : -1;
    if (e instanceof JsonEOFException) {
      return new PageFormatException(
          BadResponseException.Kind.TRUNCATED,
          "the JSON ends early, at byte " + at + " of " + body.length,
          e);
    }
    // Jackson's own message can quote the offending text, which might be a secret: say where only.
    if (PageParser.startsWith(body, '<')) {
      return new PageFormatException(
          BadResponseException.Kind.HTML, "got an HTML page instead of JSON", e);
    }
    return new PageFormatException(
        BadResponseException.Kind.NOT_JSON,
        "the body is not JSON (unexpected content at byte " + at + ")",
        e);
  }

  BadResponseException.Kind kind() {
    return kind;
  }
}
