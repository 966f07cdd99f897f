package dev.tokenledger.ledger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.costs.CostsRead;
import dev.tokenledger.costs.ReadSpec;
import dev.tokenledger.ledger.internal.Sql;
import dev.tokenledger.openai.CostBucket;
import dev.tokenledger.openai.CostResult;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.UsageBucket;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageResult;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code tokenledger costs} keeps in the ledger (docs/design.md §6, §7): every read of the
 * Costs API with its billed rows ({@code cost_rows}, amounts as exact decimal text) and every daily
 * usage read with its rows ({@code usage_buckets}), so that each billed and estimated figure can be
 * traced to the reads that produced it, and shown again without asking the API. Obtained from
 * {@link Ledger#costsStore()}; each read is stored in one transaction and never overwritten.
 */
public final class CostsStore {
  private static final String DAILY = "1d";
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private final Database db;

  CostsStore(Database db) {
    this.db = db;
  }

  /** A read as the ledger keeps it, under its id in {@code usage_reads}. */
  public record Kept(long id, CostsRead read) {
    public Kept {
      Objects.requireNonNull(read, "read");
    }
  }

  /**
   * Stores {@code read} (a failed one with its error and no rows) in one transaction and returns
   * its id. Billed rows without an amount carry no dollars and are left out.
   */
  public long store(CostsRead read) {
    ReadSpec spec = read.spec();
    return db.inTransaction(
        "cannot store the read of " + spec.endpoint(),
        c -> {
          long id =
              Sql.insertReturningId(
                  c,
                  "INSERT INTO usage_reads (endpoint, bucket_width, window_start, window_end,"
                      + " group_by, api_key_ids, project_ids, fetched_at, http_requests, status,"
                      + " error, query) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  spec.endpoint(),
                  DAILY,
                  Timestamps.format(spec.start()),
                  Timestamps.format(spec.end()),
                  String.join(",", spec.groupBy()),
                  joined(spec.apiKeyIds()),
                  joined(spec.projectIds()),
                  Timestamps.format(read.fetchedAt()),
                  read.requests().httpRequests(),
                  read.failed() ? "error" : "ok",
                  read.error(),
                  spec.query());
          insertCostRows(c, id, read.costBuckets());
          insertUsageRows(c, id, read.usageBuckets());
          return id;
        });
  }

  private static void insertCostRows(Connection c, long readId, List<CostBucket> buckets)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO cost_rows (read_id, bucket_start, bucket_end, api_key_id, project_id,"
                + " line_item, amount, currency, raw_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (CostBucket bucket : buckets) {
        for (CostResult r : bucket.results()) {
          if (r.amount() == null) {
            continue;
          }
          Sql.bind(
              ps,
              readId,
              Timestamps.format(bucket.start()),
              Timestamps.format(bucket.end()),
              r.apiKeyId(),
              r.projectId(),
              r.lineItem(),
              r.amount().toPlainString(),
              r.currency() == null ? "" : r.currency(),
              resultJson(r));
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  private static void insertUsageRows(Connection c, long readId, List<UsageBucket> buckets)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO usage_buckets (read_id, bucket_start, bucket_end, api_key_id, project_id,"
                + " model, service_tier, batch, user_id, input_tokens, input_cached_tokens,"
                + " output_tokens, num_model_requests, input_audio_tokens, output_audio_tokens,"
                + " raw_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (UsageBucket bucket : buckets) {
        for (int i = 0; i < bucket.results().size(); i++) {
          UsageResult r = bucket.results().get(i);
          TokenCounts t = r.tokens();
          Object batch = r.dimension(Dimension.BATCH);
          UsageResult.Completions audio = r instanceof UsageResult.Completions cr ? cr : null;
          Sql.bind(
              ps,
              readId,
              Timestamps.format(bucket.start()),
              Timestamps.format(bucket.end()),
              text(r.dimension(Dimension.API_KEY_ID)),
              r.projectId(),
              text(r.dimension(Dimension.MODEL)),
              text(r.dimension(Dimension.SERVICE_TIER)),
              batch instanceof Boolean b ? (b ? 1 : 0) : null,
              text(r.dimension(Dimension.USER_ID)),
              t.input(),
              t.cachedInput(),
              t.output(),
              r.modelRequests(),
              audio == null ? 0L : audio.inputAudioTokens(),
              audio == null ? 0L : audio.outputAudioTokens(),
              bucket.rawResult(i));
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  /**
   * The result row as the API writes it, rebuilt from what was parsed (unknown fields are not
   * kept): it holds {@code quantity} and {@code quantity_unit}, which have no column.
   */
  private static String resultJson(CostResult r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("object", CostResult.OBJECT);
    ObjectNode amount = n.putObject("amount");
    amount.put("value", r.amount());
    amount.put("currency", r.currency());
    n.put("line_item", r.lineItem());
    n.put("project_id", r.projectId());
    n.put("api_key_id", r.apiKeyId());
    n.put("quantity", r.quantity());
    n.put("quantity_unit", r.quantityUnit());
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a cost row as JSON", e);
    }
  }

  // ---------------------------------------------------------------- reading back

  /**
   * For each of {@code specs}, the newest successful read that {@linkplain ReadSpec#covers covers}
   * it, with its rows.
   *
   * @throws LedgerException naming the first spec the ledger has no such read for
   */
  public List<Kept> newestCovering(List<ReadSpec> specs) {
    List<Kept> out = new ArrayList<>();
    for (ReadSpec wanted : specs) {
      out.add(
          newestCovering(wanted)
              .orElseThrow(
                  () ->
                      new LedgerException(
                          "the ledger "
                              + db.location().displayName()
                              + " holds no successful "
                              + wanted.endpoint()
                              + " read covering "
                              + wanted.start()
                              + " to "
                              + wanted.end()
                              + filters(wanted)
                              + "; run 'tokenledger costs' without --offline to fetch and"
                              + " store it")));
    }
    return out;
  }

  private Optional<Kept> newestCovering(ReadSpec wanted) {
    return db.read(
        "cannot read the stored " + wanted.endpoint() + " reads",
        c -> {
          List<Candidate> candidates = new ArrayList<>();
          Sql.query(
              c,
              "SELECT id, window_start, window_end, group_by, api_key_ids, project_ids, query,"
                  + " fetched_at FROM usage_reads WHERE endpoint = ? AND bucket_width = ?"
                  + " AND status = 'ok' AND window_start <= ? AND window_end >= ?"
                  + " ORDER BY fetched_at DESC, id DESC",
              List.of(
                  wanted.endpoint(),
                  DAILY,
                  Timestamps.format(wanted.start()),
                  Timestamps.format(wanted.end())),
              rs ->
                  candidates.add(
                      new Candidate(
                          rs.getLong(1),
                          new ReadSpec(
                              wanted.endpoint(),
                              Timestamps.parse(rs.getString(2)),
                              Timestamps.parse(rs.getString(3)),
                              Sql.split(rs.getString(4)),
                              Sql.split(rs.getString(5)),
                              Sql.split(rs.getString(6)),
                              rs.getString(7)),
                          Timestamps.parse(rs.getString(8)))));
          for (Candidate k : candidates) {
            if (k.spec().covers(wanted)) {
              CostsRead read =
                  k.spec().isCosts()
                      ? CostsRead.kept(k.spec(), k.fetchedAt(), costBuckets(c, k.id()), List.of())
                      : CostsRead.kept(
                          k.spec(), k.fetchedAt(), List.of(), usageBuckets(c, k.id(), k.spec()));
              return Optional.of(new Kept(k.id(), read));
            }
          }
          return Optional.empty();
        });
  }

  /** A stored read that may cover what is wanted. */
  private record Candidate(long id, ReadSpec spec, Instant fetchedAt) {}

  private static List<CostBucket> costBuckets(Connection c, long readId) throws SQLException {
    return buckets(
        c,
        "SELECT bucket_start, bucket_end, api_key_id, project_id, line_item, amount, currency,"
            + " raw_json FROM cost_rows WHERE read_id = ? ORDER BY bucket_start, id",
        readId,
        rs -> {
          JsonNode raw = parse(rs.getString(8), readId);
          String currency = rs.getString(7);
          return new CostResult(
              new BigDecimal(rs.getString(6)),
              currency == null || currency.isEmpty() ? null : currency,
              rs.getString(5),
              rs.getString(4),
              rs.getString(3),
              raw.path("quantity").isNumber() ? raw.get("quantity").decimalValue() : null,
              raw.path("quantity_unit").isTextual() ? raw.get("quantity_unit").asText() : null);
        },
        CostBucket::new);
  }

  /**
   * The stored rows of a usage read as result rows again; counters the ledger has no column for
   * (cache-write, text and image tokens) are 0, which no cost depends on.
   */
  private static List<UsageBucket> usageBuckets(Connection c, long readId, ReadSpec spec)
      throws SQLException {
    UsageEndpoint endpoint = UsageEndpoint.fromWireName(spec.endpoint());
    return buckets(
        c,
        "SELECT bucket_start, bucket_end, api_key_id, project_id, model, service_tier, batch,"
            + " user_id, input_tokens, input_cached_tokens, output_tokens, num_model_requests,"
            + " input_audio_tokens, output_audio_tokens FROM usage_buckets WHERE read_id = ?"
            + " ORDER BY bucket_start, id",
        readId,
        rs -> usageResult(endpoint, rs),
        UsageBucket::new);
  }

  /** A bucket of a stored read made again from its span and its result rows. */
  @FunctionalInterface
  private interface BucketOf<R, B> {
    B make(Instant start, Instant end, List<R> results);
  }

  /**
   * The rows {@code select} gives for read {@code readId}, bucket start and end first, each made a
   * result by {@code result} (null leaves it out) and gathered into its bucket, in the order given.
   */
  private static <R, B> List<B> buckets(
      Connection c, String select, long readId, Sql.RowMapper<R> result, BucketOf<R, B> bucket)
      throws SQLException {
    Map<List<String>, List<R>> byBucket = new LinkedHashMap<>();
    Sql.query(
        c,
        select,
        List.of(readId),
        rs -> {
          R r = result.map(rs);
          if (r != null) {
            byBucket
                .computeIfAbsent(List.of(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
                .add(r);
          }
        });
    List<B> out = new ArrayList<>();
    byBucket.forEach(
        (span, results) ->
            out.add(
                bucket.make(
                    Timestamps.parse(span.get(0)), Timestamps.parse(span.get(1)), results)));
    return out;
  }

  /** A completions or embeddings row; null for other endpoints, which costs does not read. */
  private static UsageResult usageResult(UsageEndpoint endpoint, ResultSet rs) throws SQLException {
    String key = rs.getString(3);
    String project = rs.getString(4);
    String model = rs.getString(5);
    String user = rs.getString(8);
    long input = rs.getLong(9);
    long requests = rs.getLong(12);
    return switch (endpoint) {
      case COMPLETIONS -> {
        int batchValue = rs.getInt(7);
        Boolean batch = rs.wasNull() ? null : batchValue != 0;
        long cached = rs.getLong(10);
        yield new UsageResult.Completions(
            input,
            cached,
            0,
            input - cached,
            rs.getLong(11),
            0,
            0,
            0,
            rs.getLong(13),
            0,
            rs.getLong(14),
            0,
            0,
            0,
            requests,
            project,
            user,
            key,
            model,
            batch,
            rs.getString(6));
      }
      case EMBEDDINGS -> new UsageResult.Embeddings(input, requests, project, user, key, model);
      default -> null;
    };
  }

  // ---------------------------------------------------------------- helpers

  private static String filters(ReadSpec spec) {
    String keys = spec.apiKeyIds().isEmpty() ? "" : " for keys " + spec.apiKeyIds();
    String projects = spec.projectIds().isEmpty() ? "" : " in projects " + spec.projectIds();
    return keys + projects;
  }

  private static JsonNode parse(String json, long readId) throws SQLException {
    if (json == null) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SQLException("a cost row of read " + readId + " has raw_json that is not JSON", e);
    }
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  /** A filter list as stored: comma-separated, null for none. */
  private static String joined(List<String> values) {
    return values.isEmpty() ? null : String.join(",", values);
  }
}
