package dev.tokenledger.ledger;

import dev.tokenledger.ledger.SeenModel.Tally;
import dev.tokenledger.ledger.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads every model name the ledger has seen, with its counts per source. */
final class SeenModels {
  /** The newest successful read of each distinct query: re-reading a window counts once. */
  private static final String NEWEST_READS =
      "SELECT MAX(id) FROM usage_reads WHERE status = 'ok' GROUP BY endpoint, bucket_width,"
          + " window_start, window_end, group_by, api_key_ids, project_ids";

  /** The latest successful attempt of each run: what reports price. */
  private static final String LATEST_ATTEMPTS =
      "SELECT MAX(id) FROM reconcile_attempts WHERE input_tokens IS NOT NULL GROUP BY run_id";

  private static final String NAMED = " AND model IS NOT NULL AND model <> '' GROUP BY model";

  /** The sources, in the order of {@link SeenModel}'s components. */
  private static final List<String> QUERIES =
      List.of(
          "SELECT model, COUNT(*), SUM(input_tokens + output_tokens) FROM usage_buckets"
              + " WHERE read_id IN ("
              + NEWEST_READS
              + ")"
              + NAMED,
          "SELECT model, COUNT(DISTINCT run_id), SUM(input_tokens + output_tokens)"
              + " FROM attributions WHERE step_index IS NULL AND reconcile_attempt_id IN ("
              + LATEST_ATTEMPTS
              + ")"
              + NAMED,
          "SELECT model, COUNT(*), SUM(input_tokens + output_tokens) FROM unattributed_usage"
              + " WHERE read_id IN ("
              + NEWEST_READS
              + ")"
              + NAMED,
          "SELECT model, COUNT(*), SUM(COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0))"
              + " FROM metered_requests WHERE 1 = 1"
              + NAMED,
          "SELECT model_hint, COUNT(*), 0 FROM runs"
              + " WHERE model_hint IS NOT NULL AND model_hint <> '' GROUP BY model_hint");

  private SeenModels() {}

  static List<SeenModel> read(Database db) {
    return db.read(
        "cannot list the models the ledger has seen",
        c -> {
          Map<String, Tally[]> byName = new TreeMap<>();
          for (int source = 0; source < QUERIES.size(); source++) {
            tally(c, QUERIES.get(source), source, byName);
          }
          return byName.entrySet().stream()
              .map(
                  e -> {
                    Tally[] t = e.getValue();
                    return new SeenModel(e.getKey(), t[0], t[1], t[2], t[3], t[4].count());
                  })
              .toList();
        });
  }

  private static void tally(Connection c, String sql, int source, Map<String, Tally[]> byName)
      throws SQLException {
    Sql.query(
        c,
        sql,
        List.of(),
        rs -> {
          Tally[] tallies =
              byName.computeIfAbsent(
                  rs.getString(1),
                  k -> new Tally[] {Tally.NONE, Tally.NONE, Tally.NONE, Tally.NONE, Tally.NONE});
          tallies[source] = new Tally(rs.getLong(2), rs.getLong(3));
        });
  }
}
