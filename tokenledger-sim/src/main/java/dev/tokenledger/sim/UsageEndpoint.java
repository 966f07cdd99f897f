package dev.tokenledger.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ten {@code /v1/organization/usage/*} endpoints, with each one's result object, counters and
 * grouping dimensions in the order OpenAI's examples print them.
 */
public enum UsageEndpoint {
  COMPLETIONS(
      "completions",
      "organization.usage.completions.result",
      List.of(
          "input_tokens",
          "input_cached_tokens",
          "input_cache_write_tokens",
          "input_uncached_tokens",
          "output_tokens",
          "input_text_tokens",
          "output_text_tokens",
          "input_cached_text_tokens",
          "input_audio_tokens",
          "input_cached_audio_tokens",
          "output_audio_tokens",
          "input_image_tokens",
          "input_cached_image_tokens",
          "output_image_tokens",
          "num_model_requests"),
      List.of("project_id", "user_id", "api_key_id", "model", "batch", "service_tier")),
  EMBEDDINGS(
      "embeddings",
      "organization.usage.embeddings.result",
      List.of("input_tokens", "num_model_requests"),
      Dimensions.PER_KEY_AND_MODEL),
  MODERATIONS(
      "moderations",
      "organization.usage.moderations.result",
      List.of("input_tokens", "num_model_requests"),
      Dimensions.PER_KEY_AND_MODEL),
  IMAGES(
      "images",
      "organization.usage.images.result",
      List.of("images", "num_model_requests"),
      List.of("size", "source", "project_id", "user_id", "api_key_id", "model"),
      Map.of(
          "source", List.of("image.generation", "image.edit", "image.variation"),
          "size", List.of("256x256", "512x512", "1024x1024", "1792x1792", "1024x1792"))),
  AUDIO_SPEECHES(
      "audio_speeches",
      "organization.usage.audio_speeches.result",
      List.of("characters", "num_model_requests"),
      Dimensions.PER_KEY_AND_MODEL),
  AUDIO_TRANSCRIPTIONS(
      "audio_transcriptions",
      "organization.usage.audio_transcriptions.result",
      List.of("seconds", "num_model_requests"),
      Dimensions.PER_KEY_AND_MODEL),
  VECTOR_STORES(
      "vector_stores",
      "organization.usage.vector_stores.result",
      List.of("usage_bytes"),
      Dimensions.PER_PROJECT),
  CODE_INTERPRETER_SESSIONS(
      "code_interpreter_sessions",
      "organization.usage.code_interpreter_sessions.result",
      List.of("num_sessions"),
      Dimensions.PER_PROJECT),
  FILE_SEARCH_CALLS(
      "file_search_calls",
      "organization.usage.file_searches.result",
      List.of("num_requests"),
      List.of("project_id", "user_id", "api_key_id", "vector_store_id")),
  WEB_SEARCH_CALLS(
      "web_search_calls",
      "organization.usage.web_searches.result",
      List.of("num_model_requests", "num_requests"),
      List.of("project_id", "user_id", "api_key_id", "model", "context_level"),
      Map.of("context_level", List.of("low", "medium", "high")));

  private final String segment;
  private final String resultObject;
  private final List<String> counters;
  private final List<String> dimensions;
  private final Map<String, List<String>> allowedValues;

  /** Dimension lists several endpoints share (an enum cannot name its own constants here). */
  private static final class Dimensions {
    static final List<String> PER_KEY_AND_MODEL =
        List.of("project_id", "user_id", "api_key_id", "model");
    static final List<String> PER_PROJECT = List.of("project_id");
  }

  UsageEndpoint(
      String segment, String resultObject, List<String> counters, List<String> dimensions) {
    this(segment, resultObject, counters, dimensions, Map.of());
  }

  UsageEndpoint(
      String segment,
      String resultObject,
      List<String> counters,
      List<String> dimensions,
      Map<String, List<String>> allowedValues) {
    this.segment = segment;
    this.resultObject = resultObject;
    this.counters = counters;
    this.dimensions = dimensions;
    this.allowedValues = allowedValues;
  }

  /** The path under the base URL, e.g. {@code /organization/usage/completions}. */
  public String path() {
    return "/organization/usage/" + segment;
  }

  /** The {@code object} of this endpoint's result rows. */
  public String resultObject() {
    return resultObject;
  }

  /** The counter fields of a result row, in output order. */
  public List<String> counters() {
    return counters;
  }

  /** The grouping dimensions ({@code group_by} values and result fields), in output order. */
  public List<String> dimensions() {
    return dimensions;
  }

  /** The endpoint serving {@code path} (relative to the base URL), if any. */
  public static Optional<UsageEndpoint> forPath(String path) {
    for (UsageEndpoint e : values()) {
      if (e.path().equals(path)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * The filter query parameters this endpoint takes, mapped to the dimension each filters on:
   * {@code project_ids → project_id}, {@code models → model}, and so on.
   */
  Map<String, String> filters() {
    Map<String, String> f = new LinkedHashMap<>();
    for (String dim : dimensions) {
      if (dim.equals("batch")) {
        continue;
      }
      f.put(dim.equals("model") ? "models" : dim + "s", dim);
    }
    return f;
  }

  /** The values a dimension may take in a filter, or an empty list when any value goes. */
  List<String> allowedValues(String dimension) {
    return allowedValues.getOrDefault(dimension, List.of());
  }

  int dimensionIndex(String dimension) {
    return dimensions.indexOf(dimension);
  }

  int counterIndex(String counter) {
    return counters.indexOf(counter);
  }
}
