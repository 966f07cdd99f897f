package dev.tokenledger.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Gives a client that did not ask for usage the chat completions stream it would have had: drops
 * the usage chunk (empty {@code choices}) and removes the {@code "usage":null} member the other
 * chunks carry only because usage was asked for, leaving every other byte alone.
 */
final class ChatChunks {
  private static final JsonFactory JSON = new JsonFactory();

  private ChatChunks() {}

  /**
   * The event as the client would have had it: {@code null} for the usage chunk, the event without
   * its top-level {@code "usage":null} member, or the event itself.
   */
  static byte[] strip(byte[] event) {
    int data = dataStart(event);
    if (data < 0) {
      return event;
    }
    int dataEnd = lineEnd(event, data);
    boolean emptyChoices = false;
    boolean usageObject = false;
    long nullStart = -1;
    long nullEnd = -1;
    try (JsonParser p = JSON.createParser(event, data, dataEnd - data)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return event;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        long nameStart = p.currentTokenLocation().getByteOffset();
        JsonToken v = p.nextToken();
        if (name.equals("choices") && v == JsonToken.START_ARRAY) {
          emptyChoices = p.nextToken() == JsonToken.END_ARRAY;
          if (!emptyChoices) {
            do {
              p.skipChildren();
            } while (p.nextToken() != JsonToken.END_ARRAY);
          }
        } else if (name.equals("usage") && v == JsonToken.VALUE_NULL) {
          nullStart = nameStart;
          nullEnd = p.currentLocation().getByteOffset();
        } else if (name.equals("usage") && v == JsonToken.START_OBJECT) {
          usageObject = true;
          p.skipChildren();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      return event;
    }
    if (emptyChoices && usageObject) {
      return null;
    }
    if (nullStart < 0) {
      return event;
    }
    // offsets are relative to the parsed slice
    int from = data + (int) nullStart;
    int to = data + (int) nullEnd;
    int before = skipBack(event, from - 1, data);
    if (before >= data && event[before] == ',') {
      from = before;
    } else {
      int after = skipForward(event, to, dataEnd);
      if (after < dataEnd && event[after] == ',') {
        to = after + 1;
      }
    }
    byte[] out = new byte[event.length - (to - from)];
    System.arraycopy(event, 0, out, 0, from);
    System.arraycopy(event, to, out, from, event.length - to);
    return out;
  }

  /** Where the payload of the event's only {@code data:} line starts, or -1. */
  static int dataStart(byte[] event) {
    int found = -1;
    int line = 0;
    while (line < event.length) {
      int end = lineEnd(event, line);
      if (startsWith(event, line, "data:")) {
        if (found >= 0) {
          return -1;
        }
        found = line + 5;
        if (found < end && event[found] == ' ') {
          found++;
        }
      }
      line = end + (end + 1 < event.length && event[end] == '\r' && event[end + 1] == '\n' ? 2 : 1);
    }
    return found;
  }

  private static int lineEnd(byte[] b, int from) {
    int i = from;
    while (i < b.length && b[i] != '\n' && b[i] != '\r') {
      i++;
    }
    return i;
  }

  private static boolean startsWith(byte[] b, int at, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    if (at + p.length > b.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (b[at + i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  private static int skipBack(byte[] b, int i, int floor) {
    while (i >= floor && isSpace(b[i])) {
      i--;
    }
    return i;
  }

  private static int skipForward(byte[] b, int i, int limit) {
    while (i < limit && isSpace(b[i])) {
      i++;
    }
    return i;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t';
  }
}
