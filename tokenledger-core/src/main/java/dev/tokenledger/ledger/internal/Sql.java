package dev.tokenledger.ledger.internal;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.StepIndex;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The one JDBC helper of the ledger's persistence layer (docs/persistence.md): bind arguments by
 * position, run a statement or a batch, read rows through a mapper, insert and get the id back, and
 * IN-lists of at most {@link #CHUNK} ids. Measured against Jdbi on the ledger's hot path: as fast
 * once warm, and about 900 fewer classes to load at start-up.
 */
public final class Sql {
  /** The most ids one IN-list carries. */
  public static final int CHUNK = 500;

  private Sql() {}

  /** A unit of work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** Runs units of work: in one transaction each, or (reads) in auto-commit mode. */
  public interface Transactions {
    <T> T inTransaction(String what, Work<T> work);

    <T> T read(String what, Work<T> work);
  }

  /** Reads one row. */
  @FunctionalInterface
  public interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /** Maps one row to a value. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Runs {@code sql} with {@code args} and hands every row to {@code reader}. */
  public static void query(Connection c, String sql, List<?> args, RowReader reader)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    }
  }

  /** The rows of {@code sql} with {@code args}, each mapped by {@code mapper}. */
  public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... args)
      throws SQLException {
    List<T> out = new ArrayList<>();
    query(c, sql, java.util.Arrays.asList(args), rs -> out.add(mapper.map(rs)));
    return out;
  }

  /** Runs an INSERT, UPDATE or DELETE; returns how many rows it changed. */
  public static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  /**
   * A statement run once per row of arguments, the rows sent {@link #CHUNK} at a time as they come:
   * a pass's hundred thousand rows are never all held at once (SQLite's driver keeps every value of
   * a batch until the batch runs). {@link #send} the last rows before closing.
   */
  public static final class Batch implements AutoCloseable {
    private final PreparedStatement ps;
    private int pending;

    public Batch(Connection c, String sql) throws SQLException {
      this.ps = c.prepareStatement(sql);
    }

    /** Adds one row, and sends the batch when it is full. */
    public void add(Object... row) throws SQLException {
      bind(ps, row);
      ps.addBatch();
      if (++pending == CHUNK) {
        send();
      }
    }

    /** Runs the rows added and not yet sent. */
    public void send() throws SQLException {
      if (pending > 0) {
        ps.executeBatch();
        pending = 0;
      }
    }

    @Override
    public void close() throws SQLException {
      ps.close();
    }
  }

  /** Runs an INSERT and returns the generated {@code id} (both databases know RETURNING). */
  public static long insertReturningId(Connection c, String insert, Object... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insert + " RETURNING id")) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("the insert returned no id: " + insert);
        }
        return rs.getLong(1);
      }
    }
  }

  /** Binds {@code args} by position: strings, ints, longs and nulls. */
  public static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      int p = i + 1;
      if (a == null) {
        ps.setNull(p, Types.NULL);
      } else if (a instanceof String s) {
        ps.setString(p, s);
      } else if (a instanceof Integer || a instanceof Long) {
        // the boxed value as it is: SQLite's driver boxes what setInt and setLong are given again
        ps.setObject(p, a);
      } else {
        throw new IllegalArgumentException("cannot bind a " + a.getClass().getSimpleName());
      }
    }
  }

  /** {@code ids} without repeats, in chunks of at most {@link #CHUNK}. */
  public static <T> List<List<T>> chunks(Collection<T> ids) {
    List<T> all = new ArrayList<>(new LinkedHashSet<>(ids));
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += CHUNK) {
      out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
    }
    return out;
  }

  /** {@code column IN (?, …)} for {@code n} values: the one place an IN-list is spelled. */
  public static String in(String column, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("an IN-list holds 1 value or more, not " + n);
    }
    return column + " IN (" + placeholders(n) + ")";
  }

  /** {@code n} comma-separated placeholders. */
  public static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  /** Adds the four counters of {@code t} to {@code args}. */
  public static void addCounts(List<Object> args, TokenCounts t) {
    args.add(t.input());
    args.add(t.cachedInput());
    args.add(t.output());
    args.add(t.requests());
  }

  /** The four counters in columns {@code first} to {@code first + 3}. */
  public static TokenCounts counts(ResultSet rs, int first) throws SQLException {
    return new TokenCounts(
        rs.getLong(first), rs.getLong(first + 1), rs.getLong(first + 2), rs.getLong(first + 3));
  }

  /** The four counters from column {@code first}, or null when the first is NULL. */
  public static TokenCounts countsOrNull(ResultSet rs, int first) throws SQLException {
    long input = rs.getLong(first);
    if (rs.wasNull()) {
      return null;
    }
    return new TokenCounts(
        input, rs.getLong(first + 1), rs.getLong(first + 2), rs.getLong(first + 3));
  }

  public static Integer intOrNull(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  /** A boolean as the ledger stores it: 1, 0 or NULL. */
  /** A step index column: null stays null (the whole run). */
  public static StepIndex stepOrNull(ResultSet rs, int column) throws SQLException {
    Integer v = intOrNull(rs, column);
    return v == null ? null : StepIndex.of(v);
  }

  /** The value of a step index column: null for the whole run. */
  public static Integer index(StepIndex step) {
    return step == null ? null : step.value();
  }

  public static Integer bool(Boolean b) {
    return b == null ? null : b ? 1 : 0;
  }

  /** A comma-joined column back as a list (empty for NULL or ''). */
  public static List<String> split(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
  }
}
