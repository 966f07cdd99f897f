package dev.tokenledger.proxy;

import java.io.ByteArrayOutputStream;
import java.util.function.UnaryOperator;

/**
 * Splits a server-sent event stream into events (each ending in a blank line) as its bytes arrive,
 * and hands each to a function that may replace or drop it. Holds one event at a time; an event
 * longer than {@link #MAX_EVENT} is passed on unread.
 */
final class EventStream {
  static final int MAX_EVENT = 16 * 1024 * 1024;

  private final UnaryOperator<byte[]> onEvent;
  private final ByteArrayOutputStream event = new ByteArrayOutputStream(512);
  private boolean lineEmpty = true;
  private boolean oversize;

  /**
   * @param onEvent takes an event's bytes (with its blank line) and returns what to pass on in its
   *     place, or {@code null} to drop it
   */
  EventStream(UnaryOperator<byte[]> onEvent) {
    this.onEvent = onEvent;
  }

  /** Reads {@code length} bytes; writes what is to be passed on to {@code out} (may be null). */
  void feed(byte[] bytes, int offset, int length, ByteArrayOutputStream out) {
    int start = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        if (lineEmpty) {
          append(bytes, start, i + 1 - start, out);
          start = i + 1;
          endEvent(out);
        }
        lineEmpty = true;
      } else if (b != '\r') {
        lineEmpty = false;
      }
    }
    append(bytes, start, end - start, out);
  }

  /** The stream ended: an unfinished event is read and passed on as it is. */
  void finish(ByteArrayOutputStream out) {
    if (event.size() > 0 || oversize) {
      endEvent(out);
    }
  }

  private void append(byte[] bytes, int from, int length, ByteArrayOutputStream out) {
    if (length == 0) {
      return;
    }
    if (oversize) {
      if (out != null) {
        out.write(bytes, from, length);
      }
      return;
    }
    event.write(bytes, from, length);
    if (event.size() > MAX_EVENT) {
      oversize = true;
      if (out != null) {
        out.writeBytes(event.toByteArray());
      }
      event.reset();
    }
  }

  private void endEvent(ByteArrayOutputStream out) {
    if (oversize) {
      oversize = false;
      return;
    }
    byte[] e = event.toByteArray();
    event.reset();
    byte[] passed = onEvent.apply(e);
    if (passed != null && out != null) {
      out.writeBytes(passed);
    }
  }
}
