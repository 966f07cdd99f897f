package dev.tokenledger.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageExtractor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the model and usage of a response body as its (decoded) bytes pass, holding at most one
 * event of a stream, or the {@code usage} member of a JSON body, never the whole body. A JSON body
 * is read with Jackson's non-blocking parser; an event stream event by event.
 */
final class UsageReader {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = MAPPER.getFactory();

  private final boolean stream;
  private final EventStream events;
  private JsonParser parser;
  private int depth;
  private String field;
  private TokenBuffer capture;
  private int captureDepth;
  private boolean failed;

  private String model;
  private MeteredUsage usage;
  private String note;

  private UsageReader(boolean stream) {
    this.stream = stream;
    this.events = stream ? new EventStream(this::onEvent) : null;
  }

  /** A reader of a JSON body. */
  static UsageReader json() {
    return new UsageReader(false);
  }

  /** A reader of a server-sent event stream. */
  static UsageReader eventStream() {
    return new UsageReader(true);
  }

  /** Reads the next bytes of the decoded body. */
  void feed(byte[] bytes, int offset, int length) {
    if (failed || length == 0) {
      return;
    }
    if (stream) {
      events.feed(bytes, offset, length, null);
      return;
    }
    try {
      if (parser == null) {
        parser = JSON.createNonBlockingByteArrayParser();
      }
      ((ByteArrayFeeder) parser.getNonBlockingInputFeeder())
          .feedInput(bytes, offset, offset + length);
      drain();
    } catch (IOException | RuntimeException e) {
      failed = true;
      note = "response body is not JSON";
    }
  }

  /** The body ended. */
  void finish() {
    if (stream) {
      events.finish(null);
    } else if (parser != null && !failed) {
      try {
        ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).endOfInput();
        drain();
      } catch (IOException e) {
        note = "response body is not JSON";
      }
    }
  }

  /** The model the body named, or null. */
  String model() {
    return model;
  }

  /** The usage the body carried, or null. */
  MeteredUsage usage() {
    return usage;
  }

  /** Why nothing could be read, or null. */
  String note() {
    return note;
  }

  /** Takes an event that another reader (the chunk stripper) already split off. */
  byte[] onEvent(byte[] event) {
    int data = ChatChunks.dataStart(event);
    if (data < 0 || data >= event.length || event[data] != '{') {
      return event;
    }
    try {
      JsonNode doc =
          MAPPER.readTree(new String(event, data, event.length - data, StandardCharsets.UTF_8));
      UsageExtractor.Found found = UsageExtractor.fromDocument(doc);
      if (found.model() != null) {
        model = found.model();
      }
      if (found.usage() != null) {
        usage = found.usage();
      }
    } catch (IOException e) {
      // an event that is not one JSON document: nothing to read from it
    }
    return event;
  }

  private void drain() throws IOException {
    JsonToken t;
    while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
      if (capture != null) {
        capture.copyCurrentEvent(parser);
        if (t.isStructStart()) {
          captureDepth++;
        } else if (t.isStructEnd() && --captureDepth == 0) {
          usage = UsageExtractor.fromUsage(MAPPER.readTree(capture.asParser()));
          capture = null;
        }
        continue;
      }
      if (depth == 0 && t != JsonToken.START_OBJECT) {
        throw new IOException("not an object");
      }
      if (t.isStructStart()) {
        if (depth == 1 && t == JsonToken.START_OBJECT && "usage".equals(field)) {
          capture = new TokenBuffer(parser);
          capture.copyCurrentEvent(parser);
          captureDepth = 1;
          continue;
        }
        depth++;
      } else if (t.isStructEnd()) {
        depth--;
      } else if (t == JsonToken.FIELD_NAME) {
        field = parser.currentName();
      } else if (depth == 1 && t == JsonToken.VALUE_STRING && "model".equals(field)) {
        model = parser.getText();
      }
    }
  }
}
