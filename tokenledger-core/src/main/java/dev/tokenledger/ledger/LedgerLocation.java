package dev.tokenledger.ledger;

import dev.tokenledger.ConfigurationException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a ledger lives: a SQLite file (the default, {@code .tokenledger/ledger.db} under the
 * working directory) or a PostgreSQL database reached by JDBC URL.
 *
 * @param jdbcUrl the URL the driver is given
 * @param sqliteFile the database file for SQLite, null for PostgreSQL
 */
public record LedgerLocation(Kind kind, String jdbcUrl, Path sqliteFile) {

  /** The default ledger file, relative to the working directory. */
  public static final Path DEFAULT_FILE = Path.of(".tokenledger", "ledger.db");

  /** The database behind a ledger. */
  public enum Kind {
    SQLITE,
    POSTGRESQL
  }

  public LedgerLocation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (kind == Kind.SQLITE) {
      Objects.requireNonNull(sqliteFile, "sqliteFile");
    }
  }

  /**
   * The ledger named by {@code spec} ({@code --db} or {@code TOKENLEDGER_DB}): null or blank means
   * the default file; {@code jdbc:postgresql://…} a PostgreSQL database; {@code jdbc:sqlite:PATH}
   * or a plain path a SQLite file. Relative paths are taken from {@code workingDirectory}.
   */
  public static LedgerLocation resolve(String spec, Path workingDirectory) {
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    if (spec == null || spec.isBlank()) {
      return sqlite(workingDirectory.resolve(DEFAULT_FILE));
    }
    String s = spec.strip();
    if (s.startsWith("jdbc:postgresql:")) {
      return new LedgerLocation(Kind.POSTGRESQL, s, null);
    }
    if (s.startsWith("jdbc:sqlite:")) {
      String path = s.substring("jdbc:sqlite:".length());
      if (path.isEmpty() || path.startsWith(":memory:") || path.contains("mode=memory")) {
        throw new ConfigurationException(
            "the ledger cannot be an in-memory SQLite database ('"
                + redactedUrl(s)
                + "'): give a file, e.g. --db jdbc:sqlite:ledger.db");
      }
      return sqlite(workingDirectory.resolve(path));
    }
    if (s.startsWith("jdbc:")) {
      throw new ConfigurationException(
          "unsupported ledger database '"
              + redactedUrl(s)
              + "': use a file path, jdbc:sqlite:PATH or jdbc:postgresql://HOST/DATABASE");
    }
    return sqlite(workingDirectory.resolve(s));
  }

  /** A SQLite ledger in {@code file}. */
  public static LedgerLocation sqlite(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    return new LedgerLocation(Kind.SQLITE, "jdbc:sqlite:" + absolute, absolute);
  }

  /** A PostgreSQL ledger at {@code jdbcUrl}. */
  public static LedgerLocation postgresql(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + redactedUrl(jdbcUrl));
    }
    return new LedgerLocation(Kind.POSTGRESQL, jdbcUrl, null);
  }

  /** How messages name this ledger: the file, or the URL without its password. */
  public String displayName() {
    return kind == Kind.SQLITE ? sqliteFile.toString() : redactedUrl(jdbcUrl);
  }

  @Override
  public String toString() {
    return displayName();
  }

  /** {@code url} with the value of any {@code password} parameter or user-info replaced. */
  static String redactedUrl(String url) {
    return Credentials.redact(url);
  }
}
