package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one migration script works on both databases, and the code knows its newest version. */
class SchemaTest {
  @TempDir Path dir;

  @Test
  void theSchemaVersionConstantIsTheNewestScript() throws Exception {
    Path scripts =
        Path.of(
            Objects.requireNonNull(getClass().getClassLoader().getResource(Database.MIGRATIONS))
                .toURI());
    Pattern name = Pattern.compile("V(\\d+)__.*\\.sql");
    int newest;
    try (Stream<Path> files = Files.list(scripts)) {
      newest =
          files
              .map(p -> name.matcher(p.getFileName().toString()))
              .filter(Matcher::matches)
              .mapToInt(m -> Integer.parseInt(m.group(1)))
              .max()
              .orElseThrow();
    }
    assertThat(Database.SCHEMA_VERSION).isEqualTo(newest);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void version9IndexesAttributionsByTheirAttemptAlone(Backend backend) throws Exception {
    LedgerLocation location = migratedTo(backend, "8");
    assertThat(attributionIndexes(backend, location))
        .contains("attributions_by_attempt", "attributions_by_run", "attributions_by_read");

    Ledger.open(location).close();

    assertThat(attributionIndexes(backend, location))
        .contains("attributions_by_attempt")
        .doesNotContain("attributions_by_run", "attributions_by_read");
  }

  private static List<String> attributionIndexes(Backend backend, LedgerLocation location)
      throws Exception {
    String sql =
        backend == Backend.SQLITE
            ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'attributions'"
            : "SELECT indexname FROM pg_indexes WHERE tablename = 'attributions'";
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void version7StoresTheUsageOutsideEveryStepOfEarlierAttemptsAsLinesOfItsOwn(Backend backend)
      throws Exception {
    LedgerLocation location = migratedTo(backend, "6");
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO runs (id, framework, started_at, last_seen_at, status, source, created_at)"
              + " VALUES ('r1', 'chatdev', 'a', 'a', 'ended', 'api', 'a')");
      s.execute(
          "INSERT INTO usage_reads (id, endpoint, bucket_width, window_start, window_end,"
              + " fetched_at, status) VALUES (7, 'completions', '1m', 'a', 'b', 'c', 'ok')");
      s.execute(
          "INSERT INTO reconcile_attempts (id, run_id, attempted_at, status) VALUES"
              + " (3, 'r1', 'a', 'settling')");
      s.execute(
          "INSERT INTO reconcile_figures (attempt_id, run_id, step_index, input_tokens,"
              + " input_cached_tokens, output_tokens, num_model_requests, exactness,"
              + " lower_input_tokens, lower_input_cached_tokens, lower_output_tokens,"
              + " lower_num_model_requests, upper_input_tokens, upper_input_cached_tokens,"
              + " upper_output_tokens, upper_num_model_requests) VALUES"
              + " (3, 'r1', NULL, 150, 40, 30, 5, 'exact', 0, 0, 0, 0, 0, 0, 0, 0),"
              + " (3, 'r1', 1, 100, 30, 20, 3, 'exact', 0, 0, 0, 0, 0, 0, 0, 0),"
              + " (3, 'r1', 0, 50, 10, 10, 2, 'exact', 0, 0, 0, 0, 0, 0, 0, 0)");
      // the run's lines: gpt-4o partly in step 1, gpt-4o-mini wholly in step 1
      s.execute(
          "INSERT INTO attributions (read_id, reconcile_attempt_id, run_id, step_index, model,"
              + " service_tier, batch, input_tokens, input_cached_tokens, output_tokens,"
              + " num_model_requests, exactness, computed_at, endpoint, project_id) VALUES"
              + " (7, 3, 'r1', NULL, 'gpt-4o', 'default', 0, 120, 40, 25, 4, 'exact', 'x',"
              + " 'completions', NULL),"
              + " (7, 3, 'r1', NULL, 'gpt-4o-mini', NULL, NULL, 30, 0, 5, 1, 'exact', 'x',"
              + " 'completions', NULL),"
              + " (7, 3, 'r1', 1, 'gpt-4o', 'default', 0, 70, 30, 15, 2, 'exact', 'x',"
              + " 'completions', NULL),"
              + " (7, 3, 'r1', 1, 'gpt-4o-mini', NULL, NULL, 30, 0, 5, 1, 'exact', 'x',"
              + " 'completions', NULL)");
    }

    try (Ledger ledger = Ledger.open(location)) {
      assertThat(ledger.provenanceStore().lines(3))
          .filteredOn(l -> StepIndex.OUTSIDE.equals(l.step()))
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.line()).isEqualTo(new UsageLine("gpt-4o", "default", false, null));
                assertThat(l.counts()).isEqualTo(new TokenCounts(50, 10, 10, 2));
                assertThat(l.endpoint()).isEqualTo(Endpoint.COMPLETIONS);
                assertThat(l.readId()).isEqualTo(7);
              });
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void version4MovesTheLocalCountsOfRequestUsageIntoMeteredRequests(Backend backend)
      throws Exception {
    LedgerLocation location = migratedTo(backend, "3");
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO runs (id, framework, started_at, last_seen_at, status, source, created_at)"
              + " VALUES ('r1', 'chatdev', 'a', 'a', 'ended', 'api', 'a')");
      s.execute(
          "INSERT INTO request_usage (run_id, step_index, endpoint, model, completed_at,"
              + " input_tokens, input_cached_tokens, output_tokens, num_model_requests, source,"
              + " external_id, recorded_at) VALUES ('r1', 2, 'chat.completions', 'gpt-4o',"
              + " '2025-10-27T10:00:10.000000Z', 30, 10, 5, 1, 'hook', 'chatcmpl-1', 'x'),"
              + " ('r1', NULL, 'embeddings', 'text-embedding-3-small',"
              + " '2025-10-27T10:00:20.000000Z', 12, 0, 0, 1, 'hook', NULL, 'x')");
    }

    try (Ledger ledger = Ledger.open(location)) {
      assertThat(ledger.usageStore().requestUsage(List.of("r1")))
          .extracting(
              UsageStore.RequestUsage::step,
              UsageStore.RequestUsage::endpoint,
              UsageStore.RequestUsage::counts)
          .containsExactly(
              tuple(StepIndex.of(2), "chat.completions", new TokenCounts(30, 10, 5, 1)),
              tuple(null, "embeddings", new TokenCounts(12, 0, 0, 1)));
      assertThat(ledger.meterStore().figures("r1").run().counts())
          .isEqualTo(new TokenCounts(42, 10, 5, 2));
    }
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        ResultSet rs = c.getMetaData().getTables(null, null, "request_usage", null)) {
      assertThat(rs.next()).as("request_usage is gone: one source of local counts").isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aDatabaseHoldingAnotherApplicationsTablesGetsTheLedgerBesideThem(Backend backend)
      throws Exception {
    LedgerLocation location = backend.newLocation(dir);
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE flyway_schema_history (version TEXT, success INTEGER)");
      s.execute("INSERT INTO flyway_schema_history VALUES ('57', 1)");
      s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)");
    }

    try (Ledger ledger = Ledger.open(location)) {
      String id =
          ledger.beginRun(RunSpec.builder("chatdev").build(), ProcessIdentity.current()).id();
      assertThat(ledger.run(id).framework()).isEqualTo("chatdev");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void version6DropsTheCostEstimatesNothingWrote(Backend backend) throws Exception {
    LedgerLocation location = backend.newLocation(dir);
    Ledger.open(location).close();
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        ResultSet tables = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      List<String> names = new ArrayList<>();
      while (tables.next()) {
        names.add(tables.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
      }
      assertThat(names).contains("runs", "cost_rows").doesNotContain("cost_estimates");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void everyTableTakesARowOfWhatLaterFiguresNeed(Backend backend)
      throws URISyntaxException, Exception {
    LedgerLocation location = backend.newLocation(dir);
    Ledger.open(location).close();
    List<String> inserts =
        List.of(
            "INSERT INTO runs (id, framework, started_at, last_seen_at, status, source, created_at)"
                + " VALUES ('r1', 'chatdev', '2025-10-27T10:00:00.000000Z',"
                + " '2025-10-27T10:00:00.000000Z', 'ended', 'api', '2025-10-27T10:00:00.000000Z')",
            "INSERT INTO steps (run_id, step_index, started_at, last_seen_at, status)"
                + " VALUES ('r1', 1, '2025-10-27T10:00:00.000000Z', '2025-10-27T10:00:00.000000Z',"
                + " 'ended')",
            "INSERT INTO usage_reads (endpoint, bucket_width, window_start, window_end, fetched_at,"
                + " http_requests, status) VALUES ('completions', '1m', 'a', 'b', 'c', 2, 'ok')",
            "INSERT INTO usage_buckets (read_id, bucket_start, bucket_end, api_key_id, model,"
                + " batch, input_tokens, input_cached_tokens, output_tokens, num_model_requests)"
                + " VALUES (1, 'a', 'b', 'key_1', 'gpt-4o-mini', 0, 9000000000, 10, 20, 1)",
            "INSERT INTO reconcile_attempts (run_id, attempted_at, read_id, status, stable_reads)"
                + " VALUES ('r1', 'c', 1, 'settling', 1)",
            "INSERT INTO attributions (read_id, reconcile_attempt_id, run_id, step_index,"
                + " exactness, shared_minutes, computed_at) VALUES (1, 1, 'r1', 1, 'apportioned',"
                + " 2, 'c')",
            "INSERT INTO unattributed_usage (read_id, api_key_id, bucket_start, bucket_end)"
                + " VALUES (1, 'key_1', 'a', 'b')",
            "INSERT INTO metered_requests (record_id, source, run_id, step_index, method, path,"
                + " finished_at, usage_state, recorded_at) VALUES ('rec-1', 'proxy', 'r1', 1,"
                + " 'POST', '/chat/completions', 'c', 'interrupted', 'c')",
            "INSERT INTO price_tables (version, source, loaded_at) VALUES ('abc', 'litellm', 'c')",
            "INSERT INTO cost_rows (read_id, bucket_start, bucket_end, amount, currency)"
                + " VALUES (1, 'a', 'b', '0.000123456789012345678901', 'usd')");
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement()) {
      for (String insert : inserts) {
        assertThat(s.executeUpdate(insert)).as(insert).isEqualTo(1);
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT input_tokens, (SELECT amount FROM cost_rows) FROM usage_buckets")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(9_000_000_000L);
        assertThat(rs.getString(2)).isEqualTo("0.000123456789012345678901");
      }
    }
  }

  /**
   * A new ledger of {@code backend} migrated only up to {@code version}, as an older build left it.
   */
  private LedgerLocation migratedTo(Backend backend, String version) {
    LedgerLocation location = backend.newLocation(dir);
    Database.Dialect dialect =
        backend == Backend.SQLITE ? Database.Dialect.SQLITE : Database.Dialect.POSTGRESQL;
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(location.jdbcUrl(), null, null)
        .locations("classpath:" + Database.MIGRATIONS)
        .placeholders(Map.of("id_column", dialect.idColumn))
        .table(Database.HISTORY_TABLE)
        .target(MigrationVersion.fromVersion(version))
        .load()
        .migrate();
    return location;
  }
}
