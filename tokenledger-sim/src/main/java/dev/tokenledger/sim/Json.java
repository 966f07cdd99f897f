package dev.tokenledger.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The simulator's one JSON mapper, and the error body every endpoint shares. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static String string(JsonNode node) {
    return new String(bytes(node), StandardCharsets.UTF_8);
  }

  static ObjectNode errorBody(ApiError e) {
    ObjectNode body = object();
    ObjectNode error = body.putObject("error");
    error.put("message", e.getMessage());
    error.put("type", e.type);
    error.put("param", e.param);
    error.put("code", e.code);
    return body;
  }

  /** A request body, which must be a JSON object: OpenAI's 400 otherwise. */
  static JsonNode request(byte[] body) {
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      if (n == null || !n.isObject()) {
        throw new IOException("not an object");
      }
      return n;
    } catch (IOException e) {
      throw ApiError.badRequest(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't"
              + " using your HTTP library correctly. The OpenAI API expects a JSON payload, but"
              + " what was sent was not valid JSON. If you have trouble figuring out how to fix"
              + " this, please contact us through our help center at help.openai.com.)",
          null);
    }
  }
}
