package dev.tokenledger.openai;

/**
 * OpenAI's error body ({@code {"error": {message, type, param, code}}}); any field may be {@code
 * null}. The message has been scrubbed of the key that was used.
 */
public record ApiError(String message, String type, String code, String param) {

  /** {@code message (type x, code y, param z)}, leaving out what is missing. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(message == null ? "(no message)" : message);
    StringBuilder extra = new StringBuilder();
    appendPart(extra, "type", type);
    appendPart(extra, "code", code);
    appendPart(extra, "param", param);
    if (extra.length() > 0) {
      sb.append(" (").append(extra).append(')');
    }
    return sb.toString();
  }

  private static void appendPart(StringBuilder sb, String name, String value) {
    if (value != null) {
      sb.append(sb.length() == 0 ? "" : ", ").append(name).append(' ').append(value);
    }
  }
}
