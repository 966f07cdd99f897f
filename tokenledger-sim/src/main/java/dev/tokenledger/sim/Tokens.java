package dev.tokenledger.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.Arrays;

/**
 * Prompt token counting with {@code o200k_base}, laid out as OpenAI bills chat prompts: three
 * tokens of framing per message, the role, the content, one more for a {@code name}, and three to
 * prime the reply. Prompts are kept as token sequences so prompt caching can compare prefixes;
 * framing tokens are negative placeholders.
 */
final class Tokens {
  private static final Encoding ENCODING =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

  /** Tokens an image part counts for (OpenAI's low-detail figure). */
  static final int IMAGE_TOKENS = 85;

  private Tokens() {}

  static int count(String text) {
    return text == null || text.isEmpty() ? 0 : ENCODING.countTokensOrdinary(text);
  }

  /** A growable sequence of token ids. */
  static final class Sequence {
    private int[] ids = new int[256];
    private int size;

    void add(int id) {
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
      }
      ids[size++] = id;
    }

    void addText(String text) {
      if (text == null || text.isEmpty()) {
        return;
      }
      IntArrayList encoded = ENCODING.encodeOrdinary(text);
      for (int i = 0; i < encoded.size(); i++) {
        add(encoded.get(i));
      }
    }

    void addJson(JsonNode node) {
      if (node != null && !node.isNull() && !node.isMissingNode()) {
        addText(node.toString());
      }
    }

    void addFraming(int count, int marker) {
      for (int i = 0; i < count; i++) {
        add(marker);
      }
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return Arrays.copyOf(ids, size);
    }
  }

  /** The prompt of a chat completions request. */
  static Sequence chatPrompt(JsonNode messages, JsonNode tools, JsonNode responseFormat) {
    Sequence s = new Sequence();
    s.addJson(tools);
    s.addJson(responseFormat);
    for (JsonNode m : messages) {
      addMessage(s, m.path("role").asText(""), m.get("content"), m);
    }
    s.addFraming(3, -2);
    return s;
  }

  /** The prompt of a Responses API request: instructions, then the input string or items. */
  static Sequence responsesPrompt(JsonNode input, JsonNode instructions, JsonNode tools) {
    Sequence s = new Sequence();
    s.addJson(tools);
    if (instructions != null && instructions.isTextual()) {
      addMessage(s, "developer", instructions, null);
    }
    if (input != null && input.isTextual()) {
      addMessage(s, "user", input, null);
    } else if (input != null && input.isArray()) {
      for (JsonNode item : input) {
        if (item.has("role")) {
          addMessage(s, item.path("role").asText(""), item.get("content"), item);
        } else if (item.has("output")) {
          s.addFraming(3, -1);
          s.addText(
              item.get("output").isTextual()
                  ? item.get("output").asText()
                  : item.get("output").toString());
        } else {
          s.addFraming(3, -1);
          s.addJson(item);
        }
      }
    }
    s.addFraming(3, -2);
    return s;
  }

  private static void addMessage(Sequence s, String role, JsonNode content, JsonNode message) {
    s.addFraming(3, -1);
    s.addText(role);
    addContent(s, content);
    if (message != null) {
      if (message.hasNonNull("name")) {
        s.addFraming(1, -1);
        s.addText(message.get("name").asText());
      }
      s.addJson(message.get("tool_calls"));
    }
  }

  private static void addContent(Sequence s, JsonNode content) {
    if (content == null || content.isNull()) {
      return;
    }
    if (content.isTextual()) {
      s.addText(content.asText());
      return;
    }
    if (content.isArray()) {
      for (JsonNode part : content) {
        String type = part.path("type").asText("");
        if (part.has("text")) {
          s.addText(part.get("text").asText());
        } else if (type.contains("image")) {
          s.addFraming(IMAGE_TOKENS, -3);
        } else {
          s.addJson(part);
        }
      }
      return;
    }
    s.addJson(content);
  }
}
