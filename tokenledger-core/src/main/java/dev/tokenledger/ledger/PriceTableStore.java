package dev.tokenledger.ledger;

import dev.tokenledger.ledger.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The price tables a ledger's figures were priced with, kept whole so that a report can be priced
 * again with the table of its day (docs/design.md §6: an old report is reproduced by naming its
 * price version).
 */
final class PriceTableStore {
  /** The shortest part of a version that {@link #matching(String)} looks for. */
  public static final int MIN_PREFIX = 6;

  private final Database db;
  private final Clock clock;

  PriceTableStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Records that the table {@code version} priced figures now: inserts it the first time, with the
   * {@code content} asked for only then, and afterwards only moves its last use.
   */
  public void recordUse(String version, String source, int models, Supplier<String> content) {
    String now = Timestamps.format(clock.instant());
    db.inTransaction(
        "cannot record the price table " + version,
        c -> {
          int known =
              Sql.update(
                  c, "UPDATE price_tables SET last_used_at = ? WHERE version = ?", now, version);
          if (known == 0) {
            // ON CONFLICT: another process may record the same new table at the same moment
            Sql.update(
                c,
                "INSERT INTO price_tables (version, source, source_commit, models, loaded_at,"
                    + " last_used_at, content) VALUES (?, ?, NULL, ?, ?, ?, ?)"
                    + " ON CONFLICT (version) DO NOTHING",
                version,
                source,
                models,
                now,
                now,
                content.get());
          }
          return null;
        });
  }

  /** Every recorded table, newest first use first, without content. */
  public List<StoredPriceTable> list() {
    return db.read(
        "cannot list the price tables", c -> select(c, "ORDER BY loaded_at DESC, version", false));
  }

  /**
   * The recorded tables {@code text} names, with content: the one whose version is {@code text};
   * else those whose own hash (the last one of the version, which an override's hash ends) starts
   * with it; else those whose version contains it. Parts must have at least {@link #MIN_PREFIX}
   * characters and are compared ignoring case, so that a hash prefix copied from a report is
   * enough, even for a table that later versions extend.
   */
  public List<StoredPriceTable> matching(String text) {
    String needle = text.strip();
    List<StoredPriceTable> all =
        db.read("cannot read the price tables", c -> select(c, "ORDER BY version", true));
    Optional<StoredPriceTable> exact =
        all.stream().filter(t -> t.version().equals(needle)).findFirst();
    if (exact.isPresent()) {
      return List.of(exact.get());
    }
    if (needle.length() < MIN_PREFIX) {
      return List.of();
    }
    String lower = needle.toLowerCase(Locale.ROOT);
    List<StoredPriceTable> byOwnHash =
        all.stream().filter(t -> ownHash(t.version()).startsWith(lower)).toList();
    if (!byOwnHash.isEmpty()) {
      return byOwnHash;
    }
    return all.stream().filter(t -> t.version().toLowerCase(Locale.ROOT).contains(lower)).toList();
  }

  /** The text after the last colon of a version: the hash of its last file. */
  private static String ownHash(String version) {
    return version.substring(version.lastIndexOf(':') + 1).toLowerCase(Locale.ROOT);
  }

  private static List<StoredPriceTable> select(Connection c, String order, boolean content)
      throws SQLException {
    List<StoredPriceTable> out = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT version, source, models, loaded_at, last_used_at"
                    + (content ? ", content" : "")
                    + " FROM price_tables "
                    + order);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String first = rs.getString(4);
        String last = rs.getString(5);
        out.add(
            new StoredPriceTable(
                rs.getString(1),
                rs.getString(2),
                rs.getInt(3),
                Timestamps.parse(first),
                Timestamps.parse(last == null ? first : last),
                content ? rs.getString(6) : null));
      }
    }
    return out;
  }
}
