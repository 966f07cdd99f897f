package dev.tokenledger.openai;

import com.fasterxml.jackson.core.io.SerializedString;
import java.util.HashMap;
import java.util.Map;

/**
 * The fields of a Usage or Costs result row that {@link PageParser} reads, each with the kind of
 * value it holds; the parser keeps a row's values in arrays indexed by {@link #ordinal()}.
 */
enum ResultField {
  OBJECT(Kind.TEXT, "object"),
  INPUT_TOKENS(Kind.COUNT, "input_tokens"),
  INPUT_CACHED_TOKENS(Kind.COUNT, "input_cached_tokens"),
  INPUT_CACHE_WRITE_TOKENS(Kind.COUNT, "input_cache_write_tokens"),
  INPUT_UNCACHED_TOKENS(Kind.COUNT, "input_uncached_tokens"),
  OUTPUT_TOKENS(Kind.COUNT, "output_tokens"),
  INPUT_TEXT_TOKENS(Kind.COUNT, "input_text_tokens"),
  OUTPUT_TEXT_TOKENS(Kind.COUNT, "output_text_tokens"),
  INPUT_CACHED_TEXT_TOKENS(Kind.COUNT, "input_cached_text_tokens"),
  INPUT_AUDIO_TOKENS(Kind.COUNT, "input_audio_tokens"),
  INPUT_CACHED_AUDIO_TOKENS(Kind.COUNT, "input_cached_audio_tokens"),
  OUTPUT_AUDIO_TOKENS(Kind.COUNT, "output_audio_tokens"),
  INPUT_IMAGE_TOKENS(Kind.COUNT, "input_image_tokens"),
  INPUT_CACHED_IMAGE_TOKENS(Kind.COUNT, "input_cached_image_tokens"),
  OUTPUT_IMAGE_TOKENS(Kind.COUNT, "output_image_tokens"),
  NUM_MODEL_REQUESTS(Kind.COUNT, "num_model_requests"),
  IMAGES(Kind.COUNT, "images"),
  CHARACTERS(Kind.COUNT, "characters"),
  SECONDS(Kind.COUNT, "seconds"),
  USAGE_BYTES(Kind.COUNT, "usage_bytes"),
  /** Called {@code sessions} before 2025-02. */
  NUM_SESSIONS(Kind.COUNT, "num_sessions", "sessions"),
  NUM_REQUESTS(Kind.COUNT, "num_requests"),
  PROJECT_ID(Kind.TEXT, "project_id"),
  USER_ID(Kind.TEXT, "user_id"),
  API_KEY_ID(Kind.TEXT, "api_key_id"),
  MODEL(Kind.TEXT, "model"),
  SERVICE_TIER(Kind.TEXT, "service_tier"),
  SOURCE(Kind.TEXT, "source"),
  SIZE(Kind.TEXT, "size"),
  VECTOR_STORE_ID(Kind.TEXT, "vector_store_id"),
  CONTEXT_LEVEL(Kind.TEXT, "context_level"),
  LINE_ITEM(Kind.TEXT, "line_item"),
  QUANTITY_UNIT(Kind.TEXT, "quantity_unit"),
  BATCH(Kind.BOOLEAN, "batch"),
  QUANTITY(Kind.DECIMAL, "quantity"),
  /** An object {@code {value, currency}}, or a bare number. */
  AMOUNT(Kind.AMOUNT, "amount");

  enum Kind {
    COUNT,
    TEXT,
    BOOLEAN,
    DECIMAL,
    AMOUNT
  }

  final Kind kind;

  /** The current wire name, for Jackson to compare with the input's bytes. */
  final SerializedString wire;

  private final String[] names;

  ResultField(Kind kind, String... names) {
    this.kind = kind;
    this.wire = new SerializedString(names[0]);
    this.names = names;
  }

  private static final Map<String, ResultField> BY_NAME = new HashMap<>();

  static {
    for (ResultField f : values()) {
      for (String n : f.names) {
        BY_NAME.put(n, f);
      }
    }
  }

  /** The field called {@code name} on the wire, or {@code null} for one the parser skips. */
  static ResultField named(String name) {
    return BY_NAME.get(name);
  }
}
