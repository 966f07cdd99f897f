package dev.tokenledger.bench;

import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The measurement that chose the ledger's persistence layer (docs/persistence.md): one
 * representative path, written twice, once with a small JDBC helper of our own and once with Jdbi
 * 3. The path opens a ledger (schema migrated, the same for both), then writes a run with 6 steps
 * (each start and end its own transaction, as the ledger does) and reads the run and its steps back
 * through row mappers. Prints, for this fresh JVM, the time and classes loaded by the first path
 * (start-up: what {@code run exec} pays once per process) and the mean time of the next ones.
 *
 * <p>Arguments: {@code sql|jdbi [warm iterations]}. Run each in its own JVM, several times.
 */
public final class PersistenceScenario {
  private PersistenceScenario() {}

  private static final int STEPS = 6;

  /** One way to run the path's statements. */
  private interface Path6 {
    void write(String runId) throws Exception;

    int readBack(String runId) throws Exception;
  }

  record RunRow(String id, String framework, Instant startedAt, Instant endedAt, String status) {}

  record StepRow(String runId, int index, String name, Instant startedAt, Instant endedAt) {}

  public static void main(String[] args) throws Exception {
    String variant = args.length > 0 ? args[0] : "sql";
    int warm = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Path dir = Files.createTempDirectory("tokenledger-persistence-");
    Path file = dir.resolve("ledger.db");
    long t0 = System.nanoTime();
    Ledger.open(LedgerLocation.sqlite(file)).close();
    double openMs = (System.nanoTime() - t0) / 1e6;

    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl("jdbc:sqlite:" + file);

    var classes = ManagementFactory.getClassLoadingMXBean();
    long loadedBefore = classes.getTotalLoadedClassCount();
    long c0 = System.nanoTime();
    Path6 path =
        switch (variant) {
          case "sql" -> new Helper(ds.getConnection());
          case "jdbi" -> new WithJdbi(Jdbi.create(ds.getConnection()));
          default -> throw new IllegalArgumentException("variant is sql or jdbi, not " + variant);
        };
    if (run(path, "cold") != STEPS) {
      throw new IllegalStateException("the path read back the wrong number of steps");
    }
    double coldMs = (System.nanoTime() - c0) / 1e6;
    long loaded = classes.getTotalLoadedClassCount() - loadedBefore;

    long w0 = System.nanoTime();
    for (int i = 0; i < warm; i++) {
      if (run(path, "warm-" + i) != STEPS) {
        throw new IllegalStateException("the path read back the wrong number of steps");
      }
    }
    double warmMs = (System.nanoTime() - w0) / 1e6 / warm;
    System.out.printf(
        Locale.ROOT,
        "%-4s open %.0f ms, first path %.1f ms (%d classes loaded), then %.2f ms per path%n",
        variant,
        openMs,
        coldMs,
        loaded,
        warmMs);
  }

  private static int run(Path6 path, String runId) throws Exception {
    path.write(runId);
    return path.readBack(runId);
  }

  private static final String INSERT_RUN =
      "INSERT INTO runs (id, framework, started_at, last_seen_at, status, source, created_at)"
          + " VALUES (?, 'bench', ?, ?, 'recording', 'bench', ?)";
  private static final String INSERT_STEP =
      "INSERT INTO steps (run_id, step_index, name, started_at, last_seen_at, status)"
          + " VALUES (?, ?, ?, ?, ?, 'recording')";
  private static final String END_STEP =
      "UPDATE steps SET ended_at = ?, last_seen_at = ?, status = 'ended'"
          + " WHERE run_id = ? AND step_index = ?";
  private static final String TOUCH_RUN = "UPDATE runs SET last_seen_at = ? WHERE id = ?";
  private static final String END_RUN =
      "UPDATE runs SET ended_at = ?, last_seen_at = ?, status = 'ended' WHERE id = ?";
  private static final String SELECT_RUN =
      "SELECT id, framework, started_at, ended_at, status FROM runs WHERE id = ?";
  private static final String SELECT_STEPS =
      "SELECT run_id, step_index, name, started_at, ended_at FROM steps WHERE run_id = ?"
          + " ORDER BY step_index";

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }

  /** The candidate of our own: prepare, bind by position, read rows through a lambda. */
  private static final class Helper implements Path6 {
    private final Connection c;

    Helper(Connection c) throws SQLException {
      this.c = c;
      c.setAutoCommit(false);
    }

    @FunctionalInterface
    interface Rows<T> {
      T map(ResultSet rs) throws SQLException;
    }

    private int update(String sql, Object... args) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        return ps.executeUpdate();
      }
    }

    private <T> List<T> query(String sql, Rows<T> mapper, Object... args) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        List<T> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(mapper.map(rs));
          }
        }
        return out;
      }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
      for (int i = 0; i < args.length; i++) {
        if (args[i] == null) {
          ps.setNull(i + 1, Types.NULL);
        } else {
          ps.setObject(i + 1, args[i]);
        }
      }
    }

    @Override
    public void write(String runId) throws SQLException {
      String now = Instant.now().toString();
      update(INSERT_RUN, runId, now, now, now);
      c.commit();
      for (int i = 1; i <= STEPS; i++) {
        update(INSERT_STEP, runId, i, "step " + i, now, now);
        update(TOUCH_RUN, now, runId);
        c.commit();
        update(END_STEP, now, now, runId, i);
        update(TOUCH_RUN, now, runId);
        c.commit();
      }
      update(END_RUN, now, now, runId);
      c.commit();
    }

    @Override
    public int readBack(String runId) throws SQLException {
      List<RunRow> run =
          query(
              SELECT_RUN,
              rs ->
                  new RunRow(
                      rs.getString(1),
                      rs.getString(2),
                      instant(rs.getString(3)),
                      instant(rs.getString(4)),
                      rs.getString(5)),
              runId);
      List<StepRow> steps =
          query(
              SELECT_STEPS,
              rs ->
                  new StepRow(
                      rs.getString(1),
                      rs.getInt(2),
                      rs.getString(3),
                      instant(rs.getString(4)),
                      instant(rs.getString(5))),
              runId);
      c.commit();
      return run.size() == 1 ? steps.size() : -1;
    }
  }

  /** Jdbi 3 with registered row mappers. */
  private static final class WithJdbi implements Path6 {
    private static final RowMapper<RunRow> RUN =
        (rs, ctx) ->
            new RunRow(
                rs.getString(1),
                rs.getString(2),
                instant(rs.getString(3)),
                instant(rs.getString(4)),
                rs.getString(5));
    private static final RowMapper<StepRow> STEP =
        (rs, ctx) ->
            new StepRow(
                rs.getString(1),
                rs.getInt(2),
                rs.getString(3),
                instant(rs.getString(4)),
                instant(rs.getString(5)));

    private final Jdbi jdbi;

    WithJdbi(Jdbi jdbi) {
      this.jdbi = jdbi;
      jdbi.registerRowMapper(RunRow.class, RUN);
      jdbi.registerRowMapper(StepRow.class, STEP);
    }

    @Override
    public void write(String runId) {
      String now = Instant.now().toString();
      jdbi.useTransaction(
          h ->
              h.createUpdate(INSERT_RUN)
                  .bind(0, runId)
                  .bind(1, now)
                  .bind(2, now)
                  .bind(3, now)
                  .execute());
      for (int i = 1; i <= STEPS; i++) {
        int index = i;
        jdbi.useTransaction(
            h -> {
              h.createUpdate(INSERT_STEP)
                  .bind(0, runId)
                  .bind(1, index)
                  .bind(2, "step " + index)
                  .bind(3, now)
                  .bind(4, now)
                  .execute();
              h.createUpdate(TOUCH_RUN).bind(0, now).bind(1, runId).execute();
            });
        jdbi.useTransaction(
            h -> {
              h.createUpdate(END_STEP)
                  .bind(0, now)
                  .bind(1, now)
                  .bind(2, runId)
                  .bind(3, index)
                  .execute();
              h.createUpdate(TOUCH_RUN).bind(0, now).bind(1, runId).execute();
            });
      }
      jdbi.useTransaction(
          h -> h.createUpdate(END_RUN).bind(0, now).bind(1, now).bind(2, runId).execute());
    }

    @Override
    public int readBack(String runId) {
      return jdbi.inTransaction(
          h -> {
            List<RunRow> run = h.createQuery(SELECT_RUN).bind(0, runId).mapTo(RunRow.class).list();
            List<StepRow> steps =
                h.createQuery(SELECT_STEPS).bind(0, runId).mapTo(StepRow.class).list();
            return run.size() == 1 ? steps.size() : -1;
          });
    }
  }
}
