package dev.tokenledger.pricing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.tokenledger.ConfigurationException;
import dev.tokenledger.ModelFilter;
import dev.tokenledger.pricing.PriceFileParser.ParsedFile;
import dev.tokenledger.pricing.PriceFileParser.RawEntry;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OpenAI per-token prices of a LiteLLM price table, with the version that every cost figure
 * records. Immutable and safe to share.
 *
 * <p>Pure: a table is built from bytes already read. {@code config.PriceFiles} reads the LiteLLM
 * snapshot shipped in the jar and a user's files; {@link #fromFile} turns a user's file into a
 * table, and {@link #withOverrides(byte[], String)} lays a small file with the same field names
 * over a table. Only OpenAI entries are kept: {@code litellm_provider} {@code openai} or {@code
 * text-completion-openai}, or no provider at all (as in a hand-written override).
 */
public final class PriceTable {
  private final String version;
  private final String source;
  private final Map<String, RawEntry> entries;
  private final Map<String, ModelPrice> prices;
  private final Map<String, String> overriddenVia;

  /**
   * The largest per-token price that can be meant: $1,000 per 1M tokens, several times OpenAI's
   * dearest model. A larger one is almost always a per-1M price written into a per-token field.
   */
  public static final BigDecimal IMPLAUSIBLE_PER_TOKEN = new BigDecimal("0.001");

  private PriceTable(String version, String source, Map<String, RawEntry> entries) {
    this(version, source, entries, Map.of());
  }

  private PriceTable(
      String version,
      String source,
      Map<String, RawEntry> entries,
      Map<String, String> overriddenVia) {
    this.version = version;
    this.source = source;
    this.overriddenVia = Map.copyOf(overriddenVia);
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    Map<String, ModelPrice> priced = new LinkedHashMap<>();
    entries.forEach(
        (key, raw) -> {
          if (raw.prices().containsKey(PriceField.INPUT)
              && raw.prices().containsKey(PriceField.OUTPUT)) {
            priced.put(key, new ModelPrice(key, raw.mode(), raw.prices()));
          }
        });
    this.prices = Collections.unmodifiableMap(priced);
  }

  /**
   * The LiteLLM snapshot packaged in the jar, from its bytes: its version is the source commit and
   * the SHA-256 of the bytes when they are the bytes {@code provenance} names, else a file's.
   */
  public static PriceTable packaged(byte[] bytes, String resource, Provenance provenance) {
    // The version is computed from the bytes actually loaded; the commit is only claimed when
    // they are the bytes it names.
    String sha = sha256(bytes);
    String version = sha.equals(provenance.sha256()) ? provenance.version() : fileVersion(sha);
    return new PriceTable(
        version, "packaged " + resource, PriceFileParser.parse(bytes, resource).entries());
  }

  /**
   * A price file given by the user, from its bytes. A full LiteLLM table (recognised by its {@code
   * sample_spec} entry) replaces {@code base}; any other file is an override laid over {@code
   * base}, as {@link #withOverrides(byte[], String)} does.
   *
   * @param packaged the packaged snapshot's provenance: a full table with its bytes keeps its
   *     version
   * @throws ConfigurationException when a price in the file is malformed
   */
  public static PriceTable fromFile(
      byte[] bytes, String fileName, PriceTable base, Provenance packaged) {
    ParsedFile parsed = PriceFileParser.parse(bytes, fileName);
    String sha = sha256(bytes);
    if (!parsed.fullTable()) {
      return base.withOverrides(parsed, sha, fileName);
    }
    String version = sha.equals(packaged.sha256()) ? packaged.version() : fileVersion(sha);
    return new PriceTable(version, fileName, parsed.entries());
  }

  private static String fileVersion(String sha) {
    return "litellm-file+sha256:" + sha;
  }

  /**
   * This table with the entries of a file ({@code bytes}, named {@code fileName}) laid over it:
   * each field given there replaces this table's field for that model, a {@code null} removes it,
   * models not named keep their prices, and new models are added. The version becomes this table's
   * plus the file's SHA-256.
   *
   * @throws ConfigurationException when a price in the file is malformed
   */
  public PriceTable withOverrides(byte[] bytes, String fileName) {
    return withOverrides(PriceFileParser.parse(bytes, fileName), sha256(bytes), fileName);
  }

  private PriceTable withOverrides(ParsedFile overrides, String sha, String fileName) {
    Map<String, RawEntry> merged = new LinkedHashMap<>(entries);
    Map<String, String> reached = new LinkedHashMap<>(overriddenVia);
    overrides
        .entries()
        .forEach(
            (key, override) -> {
              merged.merge(key, override, (base, over) -> base.mergedWith(over));
              reached.remove(key);
            });
    // The Usage API reports dated names, and the table lists many snapshots as entries of their
    // own: an override under the undated name reaches each snapshot the file does not name itself.
    overrides
        .entries()
        .forEach(
            (key, override) -> {
              if (ModelFilter.isDated(key)) {
                return;
              }
              for (String snapshot : entries.keySet()) {
                if (!overrides.entries().containsKey(snapshot)
                    && ModelFilter.undated(snapshot).map(key::equals).orElse(false)) {
                  merged.put(snapshot, entries.get(snapshot).mergedWith(override));
                  reached.put(snapshot, key);
                }
              }
            });
    String kind = overrides.perMillion() ? "+overrides-per-1m-sha256:" : "+overrides-sha256:";
    String described =
        overrides.perMillion()
            ? " (input_price, cached_price, output_price: USD per 1M tokens, converted to USD"
                + " per token)"
            : "";
    return new PriceTable(
        version + kind + sha, source + " + overrides " + fileName + described, merged, reached);
  }

  /**
   * The override entry whose prices reached the dated entry {@code key}: its undated name, when an
   * override file named only that; empty otherwise.
   */
  public Optional<String> overriddenVia(String key) {
    return Optional.ofNullable(overriddenVia.get(key));
  }

  /**
   * The prices of this table that cannot be right: a per-token price above {@link
   * #IMPLAUSIBLE_PER_TOKEN} (a per-1M price in a per-token field) or a cached-input price above its
   * input price. The packaged snapshot has none.
   */
  public List<String> implausiblePrices() {
    List<String> out = new ArrayList<>();
    prices.forEach(
        (key, price) ->
            price
                .prices()
                .forEach(
                    (field, value) -> {
                      if (value.compareTo(IMPLAUSIBLE_PER_TOKEN) > 0) {
                        out.add(
                            key
                                + "."
                                + field.jsonName()
                                + " is $"
                                + value.stripTrailingZeros().toPlainString()
                                + " per token ($"
                                + Money.perMillionTokens(value).toPlainString()
                                + " per 1M tokens)");
                      } else if (field.kind() == PriceField.Kind.CACHE_READ
                          && value.compareTo(
                                  price
                                      .price(PriceField.Kind.INPUT, field.tier())
                                      .orElse(price.input()))
                              > 0) {
                        out.add(key + "." + field.jsonName() + " is above its input price");
                      }
                    }));
    return out;
  }

  /**
   * The version recorded with every figure priced from this table: {@code
   * litellm@<commit>+sha256:<hex>} for the packaged snapshot, {@code litellm-file+sha256:<hex>} for
   * a user's table, with {@code +overrides-sha256:<hex>} appended for an override file.
   */
  public String version() {
    return version;
  }

  /** Where the prices came from, for messages: the resource or the file names. */
  public String source() {
    return source;
  }

  /**
   * Finds the price of a model as the Usage API names it: exact name, then without a date suffix,
   * then without {@code ft:} wrapping (docs/design.md §6). Empty when no rule finds an entry with
   * input and output prices: the model is UNPRICED, never free.
   */
  public Optional<PriceMatch> lookup(String model) {
    Objects.requireNonNull(model, "model");
    Optional<PriceMatch> found =
        exact(model, LookupRule.EXACT).or(() -> withoutDate(model, LookupRule.WITHOUT_DATE_SUFFIX));
    if (found.isPresent() || !model.startsWith("ft:")) {
      return found;
    }
    int end = model.indexOf(':', 3);
    String base = end < 0 ? model.substring(3) : model.substring(3, end);
    if (base.isEmpty()) {
      return Optional.empty();
    }
    Optional<PriceMatch> fineTuned =
        exact("ft:" + base, LookupRule.FINE_TUNED)
            .or(() -> withoutDate("ft:" + base, LookupRule.FINE_TUNED))
            .or(() -> exact(base, LookupRule.FINE_TUNED_AS_BASE_MODEL))
            .or(() -> withoutDate(base, LookupRule.FINE_TUNED_AS_BASE_MODEL));
    return fineTuned.map(m -> new PriceMatch(model, m.price(), m.rule()));
  }

  private Optional<PriceMatch> exact(String name, LookupRule rule) {
    ModelPrice price = prices.get(name);
    return price == null ? Optional.empty() : Optional.of(new PriceMatch(name, price, rule));
  }

  private Optional<PriceMatch> withoutDate(String name, LookupRule rule) {
    return ModelFilter.undated(name)
        .flatMap(base -> exact(base, rule))
        .map(found -> new PriceMatch(name, found.price(), rule));
  }

  /** The entry listed under exactly {@code key}, if it has input and output prices. */
  public Optional<ModelPrice> get(String key) {
    return Optional.ofNullable(prices.get(key));
  }

  /**
   * Whether the table lists {@code key} as an OpenAI model at all, with or without per-token prices
   * (image and audio models are priced per image or second).
   */
  public boolean lists(String key) {
    return entries.containsKey(key);
  }

  /**
   * The table's OpenAI entries as a LiteLLM JSON object (prices as exact decimals), which {@link
   * #restore} turns back into this table: what the ledger keeps of each version.
   */
  public String toJson() {
    StringWriter text = new StringWriter();
    try (JsonGenerator g =
        JsonFactory.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build()
            .createGenerator(text)) {
      g.writeStartObject();
      for (Map.Entry<String, RawEntry> e : entries.entrySet()) {
        g.writeObjectFieldStart(e.getKey());
        g.writeStringField("litellm_provider", "openai");
        if (e.getValue().mode().isPresent()) {
          g.writeStringField("mode", e.getValue().mode().get());
        }
        for (Map.Entry<PriceField, BigDecimal> price : e.getValue().prices().entrySet()) {
          g.writeFieldName(price.getKey().jsonName());
          g.writeNumber(price.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a price table to a string", e);
    }
    return text.toString();
  }

  /**
   * The table's entries one per line ({@code PriceLines}): the form of the packaged table, which
   * {@link #fromLines} reads back without a JSON parser.
   */
  public String toLines() {
    return PriceLines.write(entries);
  }

  /**
   * A table from the lines {@link #toLines()} wrote, under the version and source it had; {@code
   * file} and {@code firstLine} say where the lines are, for the message if they are damaged.
   *
   * @throws IllegalStateException when {@code lines} are not such lines (a damaged jar)
   */
  public static PriceTable fromLines(
      String version, String source, String lines, String file, int firstLine) {
    return new PriceTable(version, source, PriceLines.read(lines, file, firstLine));
  }

  /**
   * A table from the JSON {@link #toJson()} wrote, under the version and source it had.
   *
   * @throws ConfigurationException when {@code json} is not such a table
   */
  public static PriceTable restore(String version, String source, String json) {
    ParsedFile parsed =
        PriceFileParser.parse(json.getBytes(StandardCharsets.UTF_8), "of version " + version);
    return new PriceTable(version, source, parsed.entries());
  }

  /** How many models the table prices per token. */
  public int pricedModels() {
    return prices.size();
  }

  /** The keys of every entry with input and output prices, sorted. */
  public Set<String> modelKeys() {
    return Collections.unmodifiableSet(new TreeSet<>(prices.keySet()));
  }

  @Override
  public String toString() {
    return "PriceTable[" + version + ", " + prices.size() + " priced models]";
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Where the packaged snapshot came from, as its properties file records it.
   *
   * @param commit the LiteLLM commit the snapshot was taken at
   * @param sha256 the SHA-256 of the snapshot's bytes
   */
  public record Provenance(String commit, String sha256) {
    /** The version a table with exactly these bytes records. */
    public String version() {
      return "litellm@" + commit + "+sha256:" + sha256;
    }
  }
}
