package dev.tokenledger.ledger;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.ledger.internal.KeyFingerprints;
import dev.tokenledger.ledger.internal.Sql;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageState;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What exact metering keeps in the ledger (docs/metering.md): every metered request, the ledger's
 * key salt, what each salted key fingerprint resolved to, and whether a run was metered. The one
 * source of local counts: metered figures, the split of shared minutes and the audit read {@link
 * #requests}. Obtained from {@link Ledger#meterStore()}; every method is one transaction.
 */
public final class MeterStore {
  /** The source of requests recorded by a metering proxy. */
  public static final String SOURCE_PROXY = "proxy";

  private static final String SALT = "key_salt";
  private static final String COLUMNS =
      "run_id, step_index, key_fingerprint, api_key_id, method, path, endpoint, model,"
          + " started_at, finished_at, http_status, request_id, streamed, usage_state,"
          + " input_tokens, input_cached_tokens, output_tokens, reasoning_tokens,"
          + " input_audio_tokens, output_audio_tokens, num_model_requests, note, source";

  private final Database db;
  private final Clock clock;

  MeterStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * A request to store, with the id that makes storing it twice (a spill file replayed again) add
   * it once.
   */
  public record Record(String recordId, MeteredRequest request) {
    public Record {
      Require.nonNull("recordId request", recordId, request);
    }
  }

  /**
   * A stored request as figures and the audit read it.
   *
   * @param endpoint the Usage API endpoint's wire name, or a looser name for old local counts, or
   *     null
   * @param counts the four counters when usage was reported, else null (never zero for unknown)
   */
  public record StoredRequest(
      String runId,
      Integer stepIndex,
      String keyFingerprint,
      String apiKeyId,
      String endpoint,
      String model,
      Instant finishedAt,
      int httpStatus,
      UsageState usageState,
      TokenCounts counts,
      String source) {}

  // ---------------------------------------------------------------- writing

  /**
   * Stores {@code records} from {@code source} in one transaction; a record whose id is already
   * stored is skipped. A request without a key id gets the id its fingerprint resolved to, if
   * known; an unknown fingerprint is remembered for resolution. Returns how many were new.
   */
  public int record(String source, List<Record> records) {
    Objects.requireNonNull(source, "source");
    if (records.isEmpty()) {
      return 0;
    }
    return db.inTransaction(
        "cannot record metered requests",
        c -> {
          String now = Timestamps.format(clock.instant());
          Map<String, String> known = new HashMap<>();
          for (Record r : records) {
            String fp = r.request().keyFingerprint();
            if (fp != null && !known.containsKey(fp)) {
              Sql.update(
                  c,
                  "INSERT INTO key_fingerprints (fingerprint, api_key_id, first_seen_at,"
                      + " resolved_at) VALUES (?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET"
                      + " api_key_id = excluded.api_key_id, resolved_at = excluded.resolved_at"
                      + " WHERE key_fingerprints.api_key_id IS NULL AND excluded.api_key_id"
                      + " IS NOT NULL",
                  fp,
                  r.request().apiKeyId(),
                  now,
                  r.request().apiKeyId() == null ? null : now);
              known.put(fp, keyIdOf(c, fp).orElse(null));
            }
          }
          int added = 0;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO metered_requests (record_id, recorded_at, "
                      + COLUMNS
                      + ") VALUES ("
                      + Sql.placeholders(25)
                      + ") ON CONFLICT (record_id) DO NOTHING")) {
            for (Record r : records) {
              MeteredRequest m = r.request();
              String keyId =
                  m.apiKeyId() != null
                      ? m.apiKeyId()
                      : m.keyFingerprint() == null ? null : known.get(m.keyFingerprint());
              MeteredUsage u = m.usage();
              Sql.bind(
                  ps,
                  r.recordId(),
                  now,
                  m.runId(),
                  m.stepIndex(),
                  m.keyFingerprint(),
                  keyId,
                  m.method(),
                  m.path(),
                  m.endpoint() == null ? null : m.endpoint().wireName(),
                  m.model(),
                  Timestamps.format(m.startedAt()),
                  Timestamps.format(m.finishedAt()),
                  m.httpStatus(),
                  m.requestId(),
                  m.streamed() ? 1 : 0,
                  m.usageState().label(),
                  u == null ? null : u.input(),
                  u == null ? null : Math.min(u.cachedInput(), u.input()),
                  u == null ? null : u.output(),
                  u == null ? null : u.reasoning(),
                  u == null ? null : u.inputAudio(),
                  u == null ? null : u.outputAudio(),
                  u == null ? null : 1L,
                  m.note(),
                  source);
              added += ps.executeUpdate();
            }
          }
          return added;
        });
  }

  /**
   * Marks run {@code runId} as metered: its figures are its metered requests from now on. A run
   * whose meter already failed stays {@code meter_failed}: a later metered step cannot make its
   * incomplete records exact.
   */
  public void markMetered(String runId) {
    setMetering(runId, Metering.METERED, null);
  }

  /**
   * Marks run {@code runId}'s meter as failed ({@code note} says why, never with a key): its
   * figures fall back to the Usage API alone.
   */
  public void markMeterFailed(String runId, String note) {
    setMetering(runId, Metering.METER_FAILED, note);
  }

  private void setMetering(String runId, Metering metering, String note) {
    db.inTransaction(
        "cannot mark run " + runId + " " + metering.stored(),
        c -> {
          String keep =
              metering == Metering.METERED ? " AND (metering IS NULL OR metering <> ?)" : "";
          List<Object> args = new ArrayList<>(Arrays.asList(metering.stored(), note, runId));
          if (!keep.isEmpty()) {
            args.add(Metering.METER_FAILED.stored());
          }
          int updated =
              Sql.update(
                  c,
                  "UPDATE runs SET metering = ?, metering_note = ? WHERE id = ?" + keep,
                  args.toArray());
          if (updated == 0 && !exists(c, runId)) {
            throw LedgerException.noSuchRun(runId, db.location().displayName());
          }
          return null;
        });
  }

  private static boolean exists(Connection c, String runId) throws SQLException {
    List<String> out = new ArrayList<>();
    Sql.query(
        c, "SELECT id FROM runs WHERE id = ?", List.of(runId), rs -> out.add(rs.getString(1)));
    return !out.isEmpty();
  }

  /** Why run {@code runId}'s meter failed, if it did and said why. */
  public Optional<String> meterFailure(String runId) {
    return db.read(
        "cannot read the metering of run " + runId,
        c -> {
          List<String> out = new ArrayList<>();
          Sql.query(
              c,
              "SELECT metering_note FROM runs WHERE id = ? AND metering = 'meter_failed'",
              List.of(runId),
              rs -> out.add(rs.getString(1)));
          return out.isEmpty() ? Optional.empty() : Optional.ofNullable(out.get(0));
        });
  }

  // ---------------------------------------------------------------- keys

  /**
   * This ledger's key salt (64 hex digits), made the first time it is asked for; the same for every
   * process that opens the ledger. Read first: once it exists (every time but the first), asking
   * for it neither draws random bytes nor writes.
   */
  public String keySalt() {
    List<String> existing = db.read("cannot read the key salt", MeterStore::readSalt);
    if (!existing.isEmpty()) {
      return existing.get(0);
    }
    return db.inTransaction(
        "cannot read the key salt",
        c -> {
          byte[] bytes = new byte[32];
          new SecureRandom().nextBytes(bytes);
          Sql.update(
              c,
              "INSERT INTO ledger_settings (name, value, created_at) VALUES (?, ?, ?)"
                  + " ON CONFLICT (name) DO NOTHING",
              SALT,
              HexFormat.of().formatHex(bytes),
              Timestamps.format(clock.instant()));
          return readSalt(c).get(0);
        });
  }

  private static List<String> readSalt(Connection c) throws SQLException {
    List<String> salt = new ArrayList<>();
    Sql.query(
        c,
        "SELECT value FROM ledger_settings WHERE name = ?",
        List.of(SALT),
        rs -> salt.add(rs.getString(1)));
    return salt;
  }

  /** Every fingerprint resolved to a key id: fingerprint → key id. */
  public Map<String, String> keyIds() {
    return db.read(
        "cannot read the resolved key fingerprints",
        c -> {
          Map<String, String> out = new HashMap<>();
          Sql.query(
              c,
              "SELECT fingerprint, api_key_id FROM key_fingerprints WHERE api_key_id IS NOT NULL",
              List.of(),
              rs -> out.put(rs.getString(1), rs.getString(2)));
          return out;
        });
  }

  /** The key id {@code fingerprint} resolved to, if it did. */
  public Optional<String> keyId(String fingerprint) {
    return db.read("cannot read a key fingerprint", c -> keyIdOf(c, fingerprint));
  }

  private static Optional<String> keyIdOf(Connection c, String fingerprint) throws SQLException {
    return KeyFingerprints.idOf(c, fingerprint);
  }

  /**
   * Records that {@code fingerprint} is the key {@code apiKeyId}, and gives that id to the metered
   * requests and runs that carry the fingerprint without an id (an id already there is kept).
   */
  public void resolveKey(String fingerprint, String apiKeyId) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(apiKeyId, "apiKeyId");
    db.inTransaction(
        "cannot store the key id of a fingerprint",
        c -> {
          String now = Timestamps.format(clock.instant());
          Sql.update(
              c,
              "INSERT INTO key_fingerprints (fingerprint, api_key_id, first_seen_at, resolved_at)"
                  + " VALUES (?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET"
                  + " api_key_id = excluded.api_key_id, resolved_at = excluded.resolved_at",
              fingerprint,
              apiKeyId,
              now,
              now);
          Sql.update(
              c,
              "UPDATE metered_requests SET api_key_id = ? WHERE key_fingerprint = ?"
                  + " AND api_key_id IS NULL",
              apiKeyId,
              fingerprint);
          Sql.update(
              c,
              "UPDATE runs SET api_key_id = ? WHERE key_fingerprint = ? AND api_key_id IS NULL",
              apiKeyId,
              fingerprint);
          return null;
        });
  }

  /**
   * Gives every metered request recorded by fingerprint alone the id its fingerprint has resolved
   * to since (by a run recorded with the key's id, or a lookup); returns how many it gave one.
   */
  public int applyKeyIds() {
    return db.inTransaction(
        "cannot give metered requests their key ids",
        c ->
            Sql.update(
                c,
                "UPDATE metered_requests SET api_key_id = (SELECT k.api_key_id FROM"
                    + " key_fingerprints k WHERE k.fingerprint = metered_requests.key_fingerprint)"
                    + " WHERE api_key_id IS NULL AND key_fingerprint IN (SELECT fingerprint FROM"
                    + " key_fingerprints WHERE api_key_id IS NOT NULL)"));
  }

  /** The fingerprints seen (on metered requests or runs) that have no key id yet. */
  public List<String> unresolvedFingerprints() {
    return db.read(
        "cannot read the unresolved key fingerprints",
        c -> {
          List<String> out = new ArrayList<>();
          Sql.query(
              c,
              "SELECT fingerprint FROM key_fingerprints WHERE api_key_id IS NULL"
                  + " UNION SELECT key_fingerprint FROM runs WHERE api_key_id IS NULL"
                  + " AND key_fingerprint IS NOT NULL ORDER BY 1",
              List.of(),
              rs -> out.add(rs.getString(1)));
          return out;
        });
  }

  // ---------------------------------------------------------------- reading

  /** The stored requests of {@code runIds}, in the order they finished. */
  public List<StoredRequest> requests(Collection<String> runIds) {
    List<StoredRequest> out = new ArrayList<>();
    for (List<String> chunk : Sql.chunks(runIds)) {
      out.addAll(
          select(
              "WHERE " + Sql.in("run_id", chunk.size()) + " ORDER BY finished_at, id",
              new ArrayList<>(chunk)));
    }
    out.sort(Comparator.comparing(StoredRequest::finishedAt));
    return out;
  }

  /**
   * The stored requests of key {@code apiKeyId} that finished in {@code [from, to)}, tagged with a
   * run or not, in the order they finished.
   */
  public List<StoredRequest> requestsOfKey(String apiKeyId, Instant from, Instant to) {
    return select(
        "WHERE api_key_id = ? AND finished_at >= ? AND finished_at < ? ORDER BY finished_at, id",
        List.of(apiKeyId, Timestamps.format(from), Timestamps.format(to)));
  }

  private List<StoredRequest> select(String whereAndOrder, List<Object> args) {
    return db.read(
        "cannot read metered requests",
        c -> {
          List<StoredRequest> out = new ArrayList<>();
          Sql.query(
              c,
              "SELECT " + COLUMNS + " FROM metered_requests " + whereAndOrder,
              args,
              rs -> out.add(stored(rs)));
          return out;
        });
  }

  private static StoredRequest stored(ResultSet rs) throws SQLException {
    int step = rs.getInt(2);
    Integer stepIndex = rs.wasNull() ? null : step;
    int status = rs.getInt(11);
    UsageState state = UsageState.of(rs.getString(14));
    TokenCounts counts = null;
    if (state == UsageState.REPORTED) {
      long input = rs.getLong(15);
      long cached = Math.min(rs.getLong(16), input);
      long output = rs.getLong(17);
      long requests = rs.getLong(21);
      counts = new TokenCounts(input, cached, output, rs.wasNull() ? 1 : requests);
    }
    return new StoredRequest(
        rs.getString(1),
        stepIndex,
        rs.getString(3),
        rs.getString(4),
        rs.getString(7),
        rs.getString(8),
        Timestamps.parse(rs.getString(10)),
        status,
        state,
        counts,
        rs.getString(23));
  }

  /** Run {@code runId}'s metered figures, per run and step, as its stored requests sum up. */
  public MeteredFigures figures(String runId) {
    return MeteredFigures.of(runId, requests(List.of(runId)));
  }
}
