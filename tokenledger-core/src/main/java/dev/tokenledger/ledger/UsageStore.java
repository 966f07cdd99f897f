package dev.tokenledger.ledger;

import static dev.tokenledger.ledger.internal.Sql.*;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.internal.Sql;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Usage reads and locally recorded responses (docs/design.md §5, §7): every read of the Usage API
 * with its raw rows, stored before anything is attributed from it, and the responses a metering
 * proxy, a hook or an import counted. Obtained from {@link Ledger#usageStore()}; every method is
 * one transaction.
 */
public final class UsageStore {
  private final Database db;
  private final Clock clock;

  UsageStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * A usage read to store: which endpoint and window were asked with which query, when, how many
   * HTTP requests it took, and the error that stopped it (null when it succeeded).
   */
  public record ReadRecord(
      String endpoint,
      String bucketWidth,
      Instant windowStart,
      Instant windowEnd,
      String groupBy,
      List<String> apiKeyIds,
      String query,
      Instant fetchedAt,
      int httpRequests,
      String error,
      String passId) {
    public ReadRecord {
      Require.nonNull(
          "endpoint windowStart windowEnd fetchedAt", endpoint, windowStart, windowEnd, fetchedAt);
      apiKeyIds = List.copyOf(apiKeyIds);
    }
  }

  /** One locally recorded model response of a run (a metering proxy, a hook, an import). */
  public record RequestUsage(
      String runId,
      StepIndex step,
      String endpoint,
      String model,
      Instant at,
      TokenCounts counts) {}

  /**
   * Stores a read and its rows (none for a failed read) in one transaction, before anything is
   * attributed from it; returns its id. Reads are never overwritten.
   */
  public long storeRead(ReadRecord read, List<UsageRow> rows) {
    return storeRead(read, rows, List.of());
  }

  /**
   * Stores a read and its rows as {@link #storeRead(ReadRecord, List)} does, with each row's JSON
   * exactly as the API returned it ({@code rawRows}, parallel to {@code rows}; empty when not kept,
   * a null entry for a row without it).
   */
  public long storeRead(ReadRecord read, List<UsageRow> rows, List<String> rawRows) {
    if (read.error() != null && !rows.isEmpty()) {
      throw new IllegalArgumentException("a failed read has no rows");
    }
    if (!rawRows.isEmpty() && rawRows.size() != rows.size()) {
      throw new IllegalArgumentException(
          rows.size() + " usage rows but " + rawRows.size() + " raw rows");
    }
    return db.inTransaction(
        "cannot store a usage read of " + read.endpoint(),
        c -> {
          long id =
              insertReturningId(
                  c,
                  "INSERT INTO usage_reads (endpoint, bucket_width, window_start, window_end,"
                      + " group_by, api_key_ids, project_ids, fetched_at, http_requests, status,"
                      + " error, query, pass_id) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                  read.endpoint(),
                  read.bucketWidth(),
                  Timestamps.format(read.windowStart()),
                  Timestamps.format(read.windowEnd()),
                  read.groupBy(),
                  String.join(",", read.apiKeyIds()),
                  Timestamps.format(read.fetchedAt()),
                  read.httpRequests(),
                  read.error() == null ? "ok" : "error",
                  read.error(),
                  read.query(),
                  read.passId());
          try (Sql.Batch buckets =
              new Sql.Batch(
                  c,
                  "INSERT INTO usage_buckets (read_id, bucket_start, bucket_end, api_key_id,"
                      + " project_id, model, service_tier, batch, input_tokens,"
                      + " input_cached_tokens, output_tokens, num_model_requests, raw_json)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < rows.size(); i++) {
              UsageRow row = rows.get(i);
              buckets.add(
                  id,
                  Timestamps.format(row.minute()),
                  Timestamps.format(row.minute().plusSeconds(60)),
                  row.apiKeyId(),
                  row.projectId(),
                  row.model(),
                  row.serviceTier(),
                  bool(row.batch()),
                  row.counts().input(),
                  row.counts().cachedInput(),
                  row.counts().output(),
                  row.counts().requests(),
                  rawRows.isEmpty() ? null : rawRows.get(i));
            }
            buckets.send();
          }
          return id;
        });
  }

  /** The locally recorded responses of {@code runIds}. */
  public List<RequestUsage> requestUsage(Collection<String> runIds) {
    List<RequestUsage> out = new ArrayList<>();
    for (List<String> chunk : chunks(runIds)) {
      db.read(
          "cannot read local request counts",
          c -> {
            query(
                c,
                "SELECT run_id, step_index, endpoint, model, finished_at, input_tokens,"
                    + " input_cached_tokens, output_tokens, num_model_requests"
                    + " FROM metered_requests WHERE usage_state = 'reported' AND "
                    + in("run_id", chunk.size())
                    + " ORDER BY finished_at, id",
                new ArrayList<>(chunk),
                rs -> {
                  out.add(
                      new RequestUsage(
                          rs.getString(1),
                          stepOrNull(rs, 2),
                          rs.getString(3),
                          rs.getString(4),
                          Timestamps.parse(rs.getString(5)),
                          counts(rs, 6)));
                });
            return null;
          });
    }
    return out;
  }

  /**
   * Records locally metered responses (a metering proxy, a hook, an import) from {@code source}:
   * exact by construction, they split minutes that metered runs share.
   */
  public void recordRequestUsage(String source, List<RequestUsage> requests) {
    Objects.requireNonNull(source, "source");
    db.inTransaction(
        "cannot record local request counts",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO metered_requests (record_id, source, run_id, step_index, method,"
                      + " path, endpoint, model, finished_at, usage_state, input_tokens,"
                      + " input_cached_tokens, output_tokens, num_model_requests, recorded_at)"
                      + " VALUES (?, ?, ?, ?, 'POST', ?, ?, ?, ?, 'reported', ?, ?, ?, ?, ?)")) {
            String now = Timestamps.format(clock.instant());
            for (RequestUsage r : requests) {
              Sql.bind(
                  ps,
                  UUID.randomUUID().toString(),
                  source,
                  r.runId(),
                  index(r.step()),
                  r.endpoint() == null ? "" : r.endpoint(),
                  r.endpoint(),
                  r.model(),
                  Timestamps.format(r.at()),
                  r.counts().input(),
                  r.counts().cachedInput(),
                  r.counts().output(),
                  r.counts().requests(),
                  now);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }
}
