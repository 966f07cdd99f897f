package dev.tokenledger.metering;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenledger.openai.UsageEndpoint;
import java.util.Set;

/**
 * Reads usage out of OpenAI responses: which Usage API endpoint files a request path, and the
 * counters of a {@code usage} object in any of its shapes (chat and legacy completions and
 * embeddings: {@code prompt_tokens}/{@code completion_tokens}; the Responses API, images and
 * transcriptions: {@code input_tokens}/{@code output_tokens}). Pure: no I/O, no state.
 */
public final class UsageExtractor {
  /** The Responses API's stream events that carry the finished response and its usage. */
  private static final Set<String> FINAL_RESPONSE_EVENTS =
      Set.of("response.completed", "response.incomplete", "response.failed");

  private UsageExtractor() {}

  /**
   * The Usage API endpoint that files the usage of a request to {@code path} (below the base URL,
   * without the query, e.g. {@code /chat/completions}), or {@code null} when none does.
   */
  public static UsageEndpoint endpointFor(String path) {
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return switch (p) {
      case "/chat/completions", "/responses", "/completions" -> UsageEndpoint.COMPLETIONS;
      case "/embeddings" -> UsageEndpoint.EMBEDDINGS;
      case "/moderations" -> UsageEndpoint.MODERATIONS;
      case "/images/generations", "/images/edits", "/images/variations" -> UsageEndpoint.IMAGES;
      case "/audio/speech" -> UsageEndpoint.AUDIO_SPEECHES;
      case "/audio/transcriptions", "/audio/translations" -> UsageEndpoint.AUDIO_TRANSCRIPTIONS;
      default -> null;
    };
  }

  /**
   * The counters of a {@code usage} object, or {@code null} when {@code usage} is absent, {@code
   * null} or counts no tokens (a transcription billed by duration).
   */
  public static MeteredUsage fromUsage(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return null;
    }
    if (usage.has("prompt_tokens")) {
      return counters(usage, "prompt_tokens", "completion_tokens", "prompt_tokens_details");
    }
    if (usage.has("input_tokens")) {
      // the Responses API says input_tokens_details; transcriptions say input_token_details
      String inDetails =
          usage.has("input_tokens_details") ? "input_tokens_details" : "input_token_details";
      return counters(usage, "input_tokens", "output_tokens", inDetails);
    }
    return null;
  }

  /**
   * The counters of a {@code usage} object whose input and output are named {@code input} and
   * {@code output}, each with its details object ({@code inDetails}, {@code output}'s own).
   */
  private static MeteredUsage counters(
      JsonNode usage, String input, String output, String inDetails) {
    JsonNode in = usage.path(inDetails);
    JsonNode out = usage.path(output + "_details");
    return new MeteredUsage(
        count(usage.get(input)),
        count(in.get("cached_tokens")),
        count(usage.get(output)),
        count(out.get("reasoning_tokens")),
        count(in.get("audio_tokens")),
        count(out.get("audio_tokens")));
  }

  /**
   * What one JSON document of a response says: a whole body, a chat completions chunk, or a
   * Responses API stream event (only its final events carry usage).
   *
   * @return the model and usage it names (either may be {@code null})
   */
  public static Found fromDocument(JsonNode document) {
    if (document == null || !document.isObject()) {
      return Found.NOTHING;
    }
    JsonNode type = document.get("type");
    if (type != null && type.isTextual() && document.has("response")) {
      JsonNode response = document.get("response");
      String model = text(response.get("model"));
      return FINAL_RESPONSE_EVENTS.contains(type.asText())
          ? new Found(model, fromUsage(response.get("usage")))
          : new Found(model, null);
    }
    return new Found(text(document.get("model")), fromUsage(document.get("usage")));
  }

  /**
   * A model and usage found in a response.
   *
   * @param model the model named, or {@code null}
   * @param usage the counters, or {@code null}
   */
  public record Found(String model, MeteredUsage usage) {
    static final Found NOTHING = new Found(null, null);
  }

  private static long count(JsonNode n) {
    return n != null && n.canConvertToLong() && n.asLong() > 0 ? n.asLong() : 0;
  }

  private static String text(JsonNode n) {
    return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
  }
}
