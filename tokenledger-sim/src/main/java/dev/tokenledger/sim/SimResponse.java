package dev.tokenledger.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** What a handler answers: a whole body, or a stream of server-sent events. */
sealed interface SimResponse {

  /** A complete body with its status and content type. */
  record Body(int status, String contentType, byte[] bytes, Map<String, String> headers)
      implements SimResponse {}

  /** Server-sent events, each already framed ({@code data: …\n\n}). */
  record Events(List<byte[]> events) implements SimResponse {}

  static Body json(JsonNode node) {
    return new Body(200, "application/json", Json.bytes(node), Map.of());
  }

  static Body error(ApiError e) {
    return new Body(e.status, "application/json", Json.bytes(Json.errorBody(e)), e.headers);
  }

  static byte[] dataEvent(String data) {
    return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  static byte[] namedEvent(String event, String data) {
    return ("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
  }
}
