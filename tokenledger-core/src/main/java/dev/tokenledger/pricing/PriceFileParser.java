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
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
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
   * What a file holds: its OpenAI entries in file order, and whether it is a full LiteLLM table.
   */
  record ParsedFile(Map<String, RawEntry> entries, boolean fullTable) {}

  private PriceFileParser() {}

  /**
   * Parses {@code bytes}; {@code fileName} names the file in error messages.
   *
   * @throws ConfigurationException naming the file, and the entry and field when one is wrong
   */
  static ParsedFile parse(byte[] bytes, String fileName) {
    Map<String, RawEntry> entries = new LinkedHashMap<>();
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
        RawEntry entry = readEntry(p, model, fileName);
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
    return new ParsedFile(Collections.unmodifiableMap(entries), fullTable);
  }

  /** Reads one entry; null when it belongs to another provider. */
  private static RawEntry readEntry(JsonParser p, String model, String fileName)
      throws IOException {
    String provider = null;
    String mode = null;
    // Price values are kept as raw tokens until the provider is known: other providers' entries
    // are not ours to validate.
    Map<PriceField, String> numbers = new EnumMap<>(PriceField.class);
    Map<PriceField, String> wrongTypes = new EnumMap<>(PriceField.class);
    Set<PriceField> cleared = EnumSet.noneOf(PriceField.class);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      Optional<PriceField> field = PriceField.ofJsonName(name);
      if (field.isPresent()) {
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
      }
      p.skipChildren();
    }
    if (provider != null && !OPENAI_PROVIDERS.contains(provider)) {
      return null;
    }
    wrongTypes.forEach(
        (field, actual) -> {
          throw new ConfigurationException(
              "price file "
                  + fileName
                  + ": "
                  + model
                  + "."
                  + field.jsonName()
                  + " must be a number (USD per token) or null, was "
                  + actual);
        });
    EnumMap<PriceField, BigDecimal> prices = new EnumMap<>(PriceField.class);
    numbers.forEach(
        (field, text) -> {
          BigDecimal price = new BigDecimal(text);
          if (price.signum() < 0) {
            throw new ConfigurationException(
                "price file "
                    + fileName
                    + ": "
                    + model
                    + "."
                    + field.jsonName()
                    + " cannot be negative, was "
                    + text);
          }
          prices.put(field, price);
        });
    return new RawEntry(Optional.ofNullable(mode), prices, cleared);
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
