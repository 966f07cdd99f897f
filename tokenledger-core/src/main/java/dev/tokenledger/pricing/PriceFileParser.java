package dev.tokenledger.pricing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.tokenledger.ConfigurationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the OpenAI entries of a LiteLLM price file with Jackson's streaming parser: every other
 * provider's entry is skipped unread, and prices go from the JSON text straight to {@link
 * BigDecimal}, never through {@code double}.
 */
final class PriceFileParser {
  /** The entry LiteLLM uses to document its fields; every full LiteLLM file has it. */
  static final String SAMPLE_SPEC = "sample_spec";

  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

  private static final Set<String> OPENAI_PROVIDERS = Set.of("openai", "text-completion-openai");

  /** One OpenAI entry as written: its prices, and the prices an override file sets to null. */
  record RawEntry(
      Optional<String> mode, Map<PriceField, BigDecimal> prices, Set<PriceField> cleared) {

    /** This entry with {@code override} laid over it field by field. */
    RawEntry mergedWith(RawEntry override) {
      EnumMap<PriceField, BigDecimal> merged = new EnumMap<>(PriceField.class);
      merged.putAll(prices);
      merged.putAll(override.prices);
      override.cleared.forEach(merged::remove);
      return new RawEntry(override.mode.or(() -> mode), merged, EnumSet.noneOf(PriceField.class));
    }
  }

  /**
   * What a file holds: its OpenAI entries in file order, whether it is a full LiteLLM table, and
   * whether some of its prices were given per 1M tokens under genai-devbench's names and converted.
   */
  record ParsedFile(Map<String, RawEntry> entries, boolean fullTable, boolean perMillion) {}

  /**
   * genai-devbench's price fields, USD per 1M tokens, and the per-token field each becomes: that
   * project's guide wrote its prices this way.
   */
  static final Map<String, PriceField> PER_MILLION_FIELDS =
      Map.of(
          "input_price", PriceField.INPUT,
          "cached_price", PriceField.CACHE_READ,
          "output_price", PriceField.OUTPUT);

  /** What a file's entry may hold, for the message that refuses a field it does not know. */
  static final String EXPECTED_FIELDS =
      "input_cost_per_token, cache_read_input_token_cost and output_cost_per_token (USD per token,"
          + " LiteLLM's names, with their _batches, _flex and _priority variants), or input_price,"
          + " cached_price and output_price (USD per 1M tokens, genai-devbench's names)";

  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private PriceFileParser() {}

  /**
   * Parses {@code bytes}; {@code fileName} names the file in error messages.
   *
   * @throws ConfigurationException naming the file, and the entry and field when one is wrong
   */
  static ParsedFile parse(byte[] bytes, String fileName) {
    Map<String, RawEntry> entries = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    boolean[] perMillion = {false};
    boolean fullTable = false;
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ConfigurationException(
            "price file "
                + fileName
                + " must hold a JSON object of model names to prices, like LiteLLM's"
                + " model_prices_and_context_window.json");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String model = p.currentName();
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new ConfigurationException(
              "price file " + fileName + ": entry \"" + model + "\" must be a JSON object");
        }
        if (model.equals(SAMPLE_SPEC)) {
          fullTable = true;
          p.skipChildren();
          continue;
        }
        RawEntry entry = readEntry(p, model, fileName, unknown, perMillion);
        if (entry != null) {
          entries.put(model, entry);
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new ConfigurationException(
            "price file " + fileName + " has content after its top-level JSON object");
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ConfigurationException(
          "price file " + fileName + " is not valid JSON" + where + ": " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read price file " + fileName + ": " + e, e);
    }
    if (!fullTable && !unknown.isEmpty()) {
      // A hand-written file: a field tokenledger does not read would be ignored without a word.
      throw new ConfigurationException(
          "price file "
              + fileName
              + ": "
              + String.join(", ", unknown.subList(0, Math.min(3, unknown.size())))
              + (unknown.size() > 3 ? " and " + (unknown.size() - 3) + " more" : "")
              + (unknown.size() == 1 ? " is not a price field" : " are not price fields")
              + " tokenledger reads: give "
              + EXPECTED_FIELDS);
    }
    return new ParsedFile(Collections.unmodifiableMap(entries), fullTable, perMillion[0]);
  }

  /** Reads one entry; null when it belongs to another provider. */
  private static RawEntry readEntry(
      JsonParser p, String model, String fileName, List<String> unknown, boolean[] perMillion)
      throws IOException {
    String provider = null;
    String mode = null;
    // Price values are kept as raw tokens until the provider is known: other providers' entries
    // are not ours to validate.
    Map<PriceField, String> numbers = new EnumMap<>(PriceField.class);
    Map<PriceField, String> wrongTypes = new EnumMap<>(PriceField.class);
    Set<PriceField> cleared = EnumSet.noneOf(PriceField.class);
    Map<PriceField, String> millions = new EnumMap<>(PriceField.class);
    Map<String, String> wrongMillions = new LinkedHashMap<>();
    List<String> unread = new ArrayList<>();
    int fields = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      fields++;
      Optional<PriceField> field = PriceField.ofJsonName(name);
      PriceField perMillionField = PER_MILLION_FIELDS.get(name);
      if (perMillionField != null) {
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
          millions.put(perMillionField, p.getText());
        } else {
          wrongMillions.put(name, describe(value, p));
        }
      } else if (field.isPresent()) {
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
          numbers.put(field.get(), p.getText());
        } else if (value == JsonToken.VALUE_NULL) {
          cleared.add(field.get());
        } else {
          wrongTypes.put(field.get(), describe(value, p));
        }
      } else if (name.equals("litellm_provider") && value == JsonToken.VALUE_STRING) {
        provider = p.getText();
      } else if (name.equals("mode") && value == JsonToken.VALUE_STRING) {
        mode = p.getText();
      } else if (looksLikePrice(name)) {
        unread.add(model + "." + name);
      }
      p.skipChildren();
    }
    if (provider != null && !OPENAI_PROVIDERS.contains(provider)) {
      return null;
    }
    wrongMillions.forEach(
        (name, actual) -> {
          throw entryError(
              fileName, model, "." + name + " must be a number (USD per 1M tokens), was " + actual);
        });
    unknown.addAll(unread);
    if (fields > 0
        && numbers.isEmpty()
        && millions.isEmpty()
        && cleared.isEmpty()
        && wrongTypes.isEmpty()
        && wrongMillions.isEmpty()
        && mode == null
        && provider == null
        && unread.isEmpty()) {
      unknown.add(model + " (an entry without a single price field)");
    }
    for (Map.Entry<PriceField, String> m : millions.entrySet()) {
      if (numbers.containsKey(m.getKey())) {
        throw entryError(
            fileName,
            model,
            " gives both "
                + m.getKey().jsonName()
                + " (USD per token) and its per-1M twin: keep one of them");
      }
      perMillion[0] = true;
    }
    wrongTypes.forEach(
        (field, actual) -> {
          throw entryError(
              fileName,
              model,
              "." + field.jsonName() + " must be a number (USD per token) or null, was " + actual);
        });
    EnumMap<PriceField, BigDecimal> prices = new EnumMap<>(PriceField.class);
    numbers.forEach(
        (field, text) -> {
          BigDecimal price = new BigDecimal(text);
          if (price.signum() < 0) {
            throw entryError(
                fileName, model, "." + field.jsonName() + " cannot be negative, was " + text);
          }
          prices.put(field, price);
        });
    millions.forEach(
        (field, text) -> {
          BigDecimal price = new BigDecimal(text);
          if (price.signum() < 0) {
            throw entryError(
                fileName,
                model,
                " has a negative per-1M price (" + text + "): prices are never negative");
          }
          prices.put(field, price.divide(MILLION).stripTrailingZeros());
        });
    return new RawEntry(Optional.ofNullable(mode), prices, cleared);
  }

  /** A problem with one model's entry, named with its file and model. */
  private static ConfigurationException entryError(String fileName, String model, String detail) {
    return new ConfigurationException("price file " + fileName + ": " + model + detail);
  }

  /**
   * LiteLLM's price fields for what tokenledger does not estimate (audio, images, tools, long
   * contexts): a copied LiteLLM entry may carry them, and they mean there what LiteLLM says.
   */
  private static final Set<String> LITELLM_OTHER_PRICES =
      Set.of(
          "cache_creation_input_audio_token_cost",
          "cache_creation_input_token_cost",
          "cache_read_input_audio_token_cost",
          "cache_read_input_image_token_cost",
          "code_interpreter_cost_per_session",
          "computer_use_input_cost_per_1k_tokens",
          "computer_use_output_cost_per_1k_tokens",
          "file_search_cost_per_1k_calls",
          "file_search_cost_per_gb_per_day",
          "input_cost_per_audio_token",
          "input_cost_per_character",
          "input_cost_per_image",
          "input_cost_per_image_token",
          "input_cost_per_pixel",
          "input_cost_per_second",
          "output_cost_per_audio_token",
          "output_cost_per_image_token",
          "output_cost_per_pixel",
          "output_cost_per_reasoning_token",
          "output_cost_per_second",
          "output_cost_per_video_per_second",
          "search_context_cost_per_query",
          "vector_store_cost_per_gb_per_day");

  /**
   * Whether a field's name says it holds a price that tokenledger would then not read, such as
   * {@code input_cost_per_million} or {@code price_in}.
   */
  private static boolean looksLikePrice(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return (n.contains("price") || n.contains("cost")) && !LITELLM_OTHER_PRICES.contains(n);
  }

  private static String describe(JsonToken token, JsonParser p) throws IOException {
    return switch (token) {
      case VALUE_STRING -> {
        String text = p.getText();
        yield "the string \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
      }
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> token.toString();
    };
  }
}
