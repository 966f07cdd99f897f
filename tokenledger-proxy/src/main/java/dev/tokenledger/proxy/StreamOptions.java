package dev.tokenledger.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Asks for usage in a streamed chat completions request by inserting {@code
 * "stream_options":{"include_usage":true}} (or the member it lacks) into the body's text. Only
 * bytes are inserted or one literal replaced: numbers, key order and whitespace stay as the client
 * sent them.
 */
final class StreamOptions {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] INCLUDE = "\"include_usage\":true".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OPTIONS =
      "\"stream_options\":{\"include_usage\":true}".getBytes(StandardCharsets.UTF_8);

  private StreamOptions() {}

  /** What the request body says. */
  record Request(boolean stream, boolean includeUsage, String model, byte[] injected) {
    /** Whether usage was asked for on the client's behalf (and must be stripped). */
    boolean injectedUsage() {
      return injected != null;
    }
  }

  /**
   * Reads a chat completions request body; {@code injected} is the body to send upstream when it
   * streams without asking for usage, else {@code null}. A body that is not a JSON object is left
   * alone.
   */
  static Request read(byte[] body) {
    boolean stream = false;
    String model = null;
    long close = -1;
    // stream_options: where its value starts and ends; the include_usage literal's place
    long optionsStart = -1;
    long optionsEnd = -1;
    JsonToken optionsToken = null;
    long includeStart = -1;
    long includeEnd = -1;
    Boolean include = null;
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new Request(false, false, null, null);
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("stream")) {
          stream = v == JsonToken.VALUE_TRUE;
        } else if (name.equals("model") && v == JsonToken.VALUE_STRING) {
          model = p.getText();
        } else if (name.equals("stream_options")) {
          optionsToken = v;
          optionsStart = p.currentTokenLocation().getByteOffset();
          if (v == JsonToken.START_OBJECT) {
            JsonToken o;
            while ((o = p.nextToken()) == JsonToken.FIELD_NAME) {
              String member = p.currentName();
              JsonToken mv = p.nextToken();
              if (member.equals("include_usage")) {
                include = mv == JsonToken.VALUE_TRUE;
                includeStart = p.currentTokenLocation().getByteOffset();
                includeEnd = p.currentLocation().getByteOffset();
              }
              p.skipChildren();
            }
            if (o != JsonToken.END_OBJECT) {
              return new Request(stream, false, model, null);
            }
          }
          optionsEnd = p.currentLocation().getByteOffset();
          continue;
        }
        p.skipChildren();
      }
      if (t != JsonToken.END_OBJECT) {
        return new Request(false, false, model, null);
      }
      close = p.currentTokenLocation().getByteOffset();
      if (p.nextToken() != null) {
        return new Request(false, false, model, null);
      }
    } catch (IOException e) {
      return new Request(false, false, model, null);
    }
    boolean includeUsage = stream && Boolean.TRUE.equals(include);
    if (!stream || includeUsage) {
      return new Request(stream, includeUsage, model, null);
    }
    byte[] out;
    if (optionsToken == null) {
      // no stream_options: add it as the last member (the object has at least "stream")
      out = splice(body, close, close, concat(new byte[] {','}, OPTIONS));
    } else if (optionsToken == JsonToken.START_OBJECT && include != null) {
      // "include_usage": false (or another literal): replace the value
      out = splice(body, includeStart, includeEnd, "true".getBytes(StandardCharsets.UTF_8));
    } else if (optionsToken == JsonToken.START_OBJECT) {
      // an object without include_usage: add it as the first member
      boolean empty = isEmptyObject(body, optionsStart, optionsEnd);
      out =
          splice(
              body,
              optionsStart + 1,
              optionsStart + 1,
              empty ? INCLUDE : concat(INCLUDE, new byte[] {','}));
    } else {
      // null (or another value): replace it with an object asking for usage
      out =
          splice(
              body,
              optionsStart,
              optionsEnd,
              "{\"include_usage\":true}".getBytes(StandardCharsets.UTF_8));
    }
    return new Request(true, false, model, out);
  }

  private static boolean isEmptyObject(byte[] body, long start, long end) {
    for (long i = start + 1; i < end - 1; i++) {
      byte b = body[(int) i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static byte[] splice(byte[] body, long from, long to, byte[] insert) {
    int f = (int) from;
    int t = (int) to;
    byte[] out = new byte[body.length - (t - f) + insert.length];
    System.arraycopy(body, 0, out, 0, f);
    System.arraycopy(insert, 0, out, f, insert.length);
    System.arraycopy(body, t, out, f + insert.length, body.length - t);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
