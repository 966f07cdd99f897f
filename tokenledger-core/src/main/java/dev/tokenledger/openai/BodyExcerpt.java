package dev.tokenledger.openai;

import dev.tokenledger.config.ApiKey;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** The first characters of a response body, made safe to print: one line, no keys. */
final class BodyExcerpt {
  static final int MAX_CHARS = 200;

  private BodyExcerpt() {}

  /** {@code "<first 200 characters>…"}, quoted, or {@code (empty)}. */
  static String of(byte[] body, Collection<ApiKey> keys) {
    if (body == null || body.length == 0) {
      return "(empty)";
    }
    // Decode a little more than shown so a key cut at the edge is still recognised and scrubbed.
    int take = Math.min(body.length, MAX_CHARS * 4 + 256);
    String text = new String(body, 0, take, StandardCharsets.UTF_8);
    text = scrub(text, keys);
    StringBuilder sb = new StringBuilder(MAX_CHARS + 8).append('"');
    boolean space = false;
    int shown = 0;
    for (int i = 0; i < text.length() && shown < MAX_CHARS; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        if (!space && shown > 0) {
          sb.append(' ');
          shown++;
        }
        space = true;
        continue;
      }
      space = false;
      sb.append(c == '"' ? '\'' : c);
      shown++;
    }
    sb.append('"');
    if (body.length > MAX_CHARS || shown >= MAX_CHARS) {
      sb.append("… (").append(body.length).append(" bytes)");
    }
    return sb.toString();
  }

  static String scrub(String text, Collection<ApiKey> keys) {
    String t = text;
    if (t == null) {
      return null;
    }
    for (ApiKey k : keys) {
      t = k.scrub(t);
    }
    return t;
  }
}
