package dev.tokenledger.config;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.pricing.PriceTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Reads price tables: the LiteLLM snapshot packaged in the jar and a user's price files. The {@code
 * pricing} package is pure (it builds tables from bytes); the reading is done here.
 */
public final class PriceFiles {
  private static final String RESOURCES = "/dev/tokenledger/pricing/";
  private static final String RESOURCE = "litellm-model-prices.json";
  private static final String PROVENANCE = "litellm-model-prices.properties";

  /**
   * The packaged table as the build writes it ({@link PackagedPrices}): its version on the first
   * line, then its OpenAI entries as {@link PriceTable#toLines()} writes them.
   */
  static final String COMPACT = "litellm-model-prices.openai";

  /** {@link #COMPACT} as a path under the classes folder. */
  static final String COMPACT_PATH = RESOURCES.substring(1) + COMPACT;

  private PriceFiles() {}

  /**
   * The LiteLLM snapshot packaged in the jar, parsed once on first use. Its version is the source
   * commit and the SHA-256 of the packaged bytes.
   */
  public static PriceTable defaultTable() {
    return DefaultHolder.TABLE;
  }

  /**
   * Reads a price file given by the user. A full LiteLLM table (recognised by its {@code
   * sample_spec} entry) replaces the default table; any other file is an override laid over the
   * default table, as {@link #withOverrides(PriceTable, Path)} does.
   *
   * @throws ConfigurationException when the file cannot be read or a price in it is malformed
   */
  public static PriceTable load(Path file) {
    return PriceTable.fromFile(read(file), file.toString(), defaultTable(), Packaged.PROVENANCE);
  }

  /**
   * {@code table} with the entries of {@code file} laid over it ({@link
   * PriceTable#withOverrides(byte[], String)}).
   *
   * @throws ConfigurationException when the file cannot be read or a price in it is malformed
   */
  public static PriceTable withOverrides(PriceTable table, Path file) {
    return table.withOverrides(read(file), file.toString());
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigurationException(
          "price file " + file + " does not exist: check --prices or TOKENLEDGER_PRICES", e);
    } catch (AccessDeniedException e) {
      throw new ConfigurationException(
          "price file " + file + " cannot be read (permission denied): check its permissions", e);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read price file " + file + ": " + e, e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = PriceFiles.class.getResourceAsStream(RESOURCES + name);
    if (in == null) {
      throw new IllegalStateException(
          "resource dev/tokenledger/pricing/" + name + " is missing from the jar");
    }
    return in;
  }

  /** Where the packaged snapshot came from, as its properties file records it. */
  private static final class Packaged {
    static final PriceTable.Provenance PROVENANCE = read();

    private static PriceTable.Provenance read() {
      Properties props = new Properties();
      try (InputStream in = resource(PriceFiles.PROVENANCE)) {
        props.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the packaged " + PriceFiles.PROVENANCE, e);
      }
      return new PriceTable.Provenance(
          props.getProperty("source.commit"), props.getProperty("sha256"));
    }
  }

  /** The packaged LiteLLM file parsed, as the build does once to write {@link #COMPACT}. */
  static PriceTable parsePackaged() {
    return PriceTable.packaged(read(RESOURCE), RESOURCE, Packaged.PROVENANCE);
  }

  /** {@code table} in the form of {@link #COMPACT}. */
  static String compact(PriceTable table) {
    return table.version() + "\n" + table.toLines();
  }

  /** The packaged table from its compact form, under the source its LiteLLM file gives. */
  static PriceTable fromCompact(String compact) {
    int newline = compact.indexOf('\n');
    if (newline < 0) {
      throw new IllegalStateException(
          "the packaged price table " + COMPACT + " has no version line; rebuild the jar");
    }
    // the version is line 1, the entries start at line 2
    return PriceTable.fromLines(
        compact.substring(0, newline),
        "packaged " + RESOURCE,
        compact.substring(newline + 1),
        "the packaged price table " + COMPACT,
        2);
  }

  private static byte[] read(String name) {
    try (InputStream in = resource(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the packaged " + name, e);
    }
  }

  /**
   * Lazy, thread-safe loading of the packaged table: the JVM initialises this class once. Classes
   * built without the build's {@code process-classes} phase (an IDE) have no compact form: the
   * LiteLLM file is parsed instead, the same table, more slowly.
   */
  private static final class DefaultHolder {
    static final PriceTable TABLE = load();

    private static PriceTable load() {
      InputStream in = PriceFiles.class.getResourceAsStream(RESOURCES + COMPACT);
      if (in == null) {
        return parsePackaged();
      }
      try (in) {
        return fromCompact(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the packaged " + COMPACT, e);
      }
    }
  }
}
