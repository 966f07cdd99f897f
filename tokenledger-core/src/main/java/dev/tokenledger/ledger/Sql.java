package dev.tokenledger.ledger;

import dev.tokenledger.TokenCounts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The JDBC helpers every store of the ledger shares: run a query row by row, insert and get the id
 * back, split long IN-lists into chunks, and map the four token counters.
 */
final class Sql {
  /** The most ids one IN-list carries. */
  static final int CHUNK = 500;

  private Sql() {}

  @FunctionalInterface
  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  static void query(Connection c, String sql, List<Object> args, RowReader reader)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Ledger.bind(ps, args.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    }
  }

  /** Runs an INSERT and returns the generated {@code id} (both databases know RETURNING). */
  static long insertReturningId(Connection c, String insert, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insert + " RETURNING id")) {
      Ledger.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("the insert returned no id: " + insert);
        }
        return rs.getLong(1);
      }
    }
  }

  static List<List<String>> chunks(Collection<String> ids) {
    List<String> all = new ArrayList<>(new LinkedHashSet<>(ids));
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += CHUNK) {
      out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
    }
    return out;
  }

  static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  static void addCounts(List<Object> args, TokenCounts t) {
    args.add(t.input());
    args.add(t.cachedInput());
    args.add(t.output());
    args.add(t.requests());
  }

  static TokenCounts counts(ResultSet rs, int first) throws SQLException {
    return new TokenCounts(
        rs.getLong(first), rs.getLong(first + 1), rs.getLong(first + 2), rs.getLong(first + 3));
  }

  static Integer intOrNull(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  static Integer bool(Boolean b) {
    return b == null ? null : b ? 1 : 0;
  }

  static List<String> split(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
  }
}
