package dev.tokenledger.ledger;

import static dev.tokenledger.ledger.internal.Sql.*;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.SettlementStore.AttemptRecord;
import dev.tokenledger.ledger.SettlementStore.Change;
import dev.tokenledger.ledger.internal.Background;
import dev.tokenledger.ledger.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Inserts attempts and everything that hangs off them, {@link Sql#CHUNK} attempts at a time: each
 * statement is prepared once per settlement and its rows sent in batches as they are made, so a
 * pass over many runs costs few round trips and never holds all its rows at once. The rows go in
 * the order the attempts come, so the ids are those one insert of every attempt would give.
 *
 * <p>A full chunk is written on the settlement's writer thread while the caller makes the next one:
 * the pass's computing and the database's inserts overlap, one chunk in flight at most. The
 * connection is used by one thread at a time (the caller waits for the chunk in flight before it
 * writes or hands off another), and {@link #close} waits for it, so the transaction ends only after
 * its last write.
 */
final class AttemptWriter implements AutoCloseable {
  private static final String ATTEMPTS =
      "INSERT INTO reconcile_attempts (run_id, attempted_at, read_id, input_tokens,"
          + " input_cached_tokens, output_tokens, num_model_requests, status, error,"
          + " delta_input_tokens, delta_input_cached_tokens, delta_output_tokens,"
          + " delta_num_model_requests, stable_reads, audit, metered_input_tokens,"
          + " metered_input_cached_tokens, metered_output_tokens, metered_num_model_requests)"
          + " VALUES ";
  private static final int ATTEMPT_COLUMNS = 19;

  private final Connection c;
  private final Set<String> held;
  private final Set<String> attempted = new HashSet<>();
  private List<AttemptRecord> pending = new ArrayList<>(CHUNK);
  private final String now;
  private final List<AutoCloseable> open = new ArrayList<>();
  private PreparedStatement fullChunk;
  private Sql.Batch reads;
  private Sql.Batch figures;
  private Sql.Batch lines;
  private Sql.Batch shared;
  private Sql.Batch statuses;
  private ExecutorService writer;
  private Future<?> inFlight;

  /**
   * A writer on {@code c}'s transaction of the runs {@code held}; lines computed at {@code now}.
   */
  AttemptWriter(Connection c, Set<String> held, Instant now) {
    this.c = c;
    this.held = held;
    this.now = Timestamps.format(now);
  }

  void addUnchecked(AttemptRecord a) {
    try {
      add(a);
    } catch (SQLException e) {
      throw new UncheckedSqlException(e);
    }
  }

  void add(AttemptRecord a) throws SQLException {
    SettlementStore.requireHeld(held, a.runId());
    if (!attempted.add(a.runId())) {
      throw new IllegalArgumentException(
          "a settlement holds one attempt per run, but run " + a.runId() + " has two");
    }
    pending.add(a);
    if (pending.size() == CHUNK) {
      handOff();
    }
  }

  /** Writes the attempts added and not yet written, and waits for those written meanwhile. */
  void flush() throws SQLException {
    awaitWritten();
    if (!pending.isEmpty()) {
      write(takePending());
    }
  }

  private void handOff() throws SQLException {
    awaitWritten();
    List<AttemptRecord> chunk = takePending();
    if (writer == null) {
      writer = Background.thread("tokenledger-attempt-writer");
    }
    inFlight =
        writer.submit(
            () -> {
              write(chunk);
              return null;
            });
  }

  private List<AttemptRecord> takePending() {
    List<AttemptRecord> chunk = pending;
    pending = new ArrayList<>(CHUNK);
    return chunk;
  }

  /** Waits for the chunk in flight, and throws what its write threw. */
  private void awaitWritten() throws SQLException {
    Future<?> f = inFlight;
    if (f != null) {
      inFlight = null;
      Background.result(f);
    }
  }

  private void write(List<AttemptRecord> chunk) throws SQLException {
    long[] ids = insertAttempts(chunk);
    if (reads == null) {
      reads = batch("INSERT INTO reconcile_attempt_reads (attempt_id, read_id) VALUES (?, ?)");
      figures =
          batch(
              "INSERT INTO reconcile_figures (attempt_id, run_id, step_index, input_tokens,"
                  + " input_cached_tokens, output_tokens, num_model_requests, exactness,"
                  + " lower_input_tokens, lower_input_cached_tokens, lower_output_tokens,"
                  + " lower_num_model_requests, upper_input_tokens, upper_input_cached_tokens,"
                  + " upper_output_tokens, upper_num_model_requests, shared_minutes)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      lines =
          batch(
              "INSERT INTO attributions (read_id, reconcile_attempt_id, run_id, step_index,"
                  + " model, service_tier, batch, input_tokens, input_cached_tokens,"
                  + " output_tokens, num_model_requests, exactness, shared_minutes,"
                  + " shared_tokens, computed_at, endpoint, project_id)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      shared =
          batch(
              "INSERT INTO shared_minutes (attempt_id, run_id, step_index, endpoint, minute,"
                  + " other_run_ids, other_step_indexes, bucket_input_tokens,"
                  + " bucket_input_cached_tokens, bucket_output_tokens,"
                  + " bucket_num_model_requests, share_input_tokens, share_input_cached_tokens,"
                  + " share_output_tokens, share_num_model_requests)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      statuses = batch("UPDATE runs SET reconcile_status = ? WHERE id = ?");
    }
    // table by table, as one insert of every attempt did, so each table's ids come in the same
    // order
    for (int i = 0; i < chunk.size(); i++) {
      Long id = ids[i];
      for (long readId : new LinkedHashSet<>(chunk.get(i).readIds())) {
        reads.add(id, readId);
      }
    }
    reads.send();
    for (int i = 0; i < chunk.size(); i++) {
      AttemptRecord a = chunk.get(i);
      Long id = ids[i];
      for (Figure f : a.figures()) {
        TokenCounts t = f.total();
        TokenCounts lo = f.lowerBound();
        TokenCounts up = f.upperBound();
        figures.add(
            id,
            a.runId(),
            index(f.step()),
            t.input(),
            t.cachedInput(),
            t.output(),
            t.requests(),
            f.exactness().label(),
            lo.input(),
            lo.cachedInput(),
            lo.output(),
            lo.requests(),
            up.input(),
            up.cachedInput(),
            up.output(),
            up.requests(),
            f.sharedMinutes());
      }
    }
    figures.send();
    for (int i = 0; i < chunk.size(); i++) {
      AttemptRecord a = chunk.get(i);
      Long id = ids[i];
      for (LineFigure l : a.lines()) {
        TokenCounts n = l.counts();
        lines.add(
            l.readId(),
            id,
            a.runId(),
            index(l.step()),
            l.line().model(),
            l.line().serviceTier(),
            bool(l.line().batch()),
            n.input(),
            n.cachedInput(),
            n.output(),
            n.requests(),
            l.exactness().label(),
            l.sharedMinutes(),
            l.sharedTokens(),
            now,
            l.endpoint().wireName(),
            l.line().projectId());
      }
    }
    lines.send();
    for (int i = 0; i < chunk.size(); i++) {
      AttemptRecord a = chunk.get(i);
      Long id = ids[i];
      for (SharedMinute m : a.sharedMinutes()) {
        TokenCounts b = m.bucket();
        TokenCounts s = m.share();
        shared.add(
            id,
            a.runId(),
            index(m.step()),
            m.endpoint().wireName(),
            Timestamps.format(m.minute()),
            String.join(",", m.otherRunIds()),
            joinSteps(m.otherSteps()),
            b.input(),
            b.cachedInput(),
            b.output(),
            b.requests(),
            s.input(),
            s.cachedInput(),
            s.output(),
            s.requests());
      }
    }
    shared.send();
    for (AttemptRecord a : chunk) {
      statuses.add(a.status().label(), a.runId());
    }
    statuses.send();
  }

  /**
   * One multi-row INSERT of a chunk of attempts; a settlement holds one attempt per run, so the
   * returned run ids tell which id is whose.
   */
  private long[] insertAttempts(List<AttemptRecord> chunk) throws SQLException {
    PreparedStatement ps;
    if (chunk.size() == CHUNK) {
      if (fullChunk == null) {
        fullChunk = prepare(CHUNK);
      }
      ps = fullChunk;
    } else {
      ps = prepare(chunk.size());
    }
    Object[] args = new Object[chunk.size() * ATTEMPT_COLUMNS];
    int k = 0;
    for (AttemptRecord a : chunk) {
      TokenCounts n = a.counts();
      Change d = a.change();
      TokenCounts m = a.metered();
      args[k++] = a.runId();
      args[k++] = Timestamps.format(a.attemptedAt());
      args[k++] = a.readIds().isEmpty() ? null : a.readIds().get(0);
      args[k++] = n == null ? null : n.input();
      args[k++] = n == null ? null : n.cachedInput();
      args[k++] = n == null ? null : n.output();
      args[k++] = n == null ? null : n.requests();
      args[k++] = a.status().label();
      args[k++] = a.error();
      args[k++] = d == null ? null : d.input();
      args[k++] = d == null ? null : d.cachedInput();
      args[k++] = d == null ? null : d.output();
      args[k++] = d == null ? null : d.requests();
      args[k++] = a.stableReads();
      args[k++] = a.audit();
      args[k++] = m == null ? null : m.input();
      args[k++] = m == null ? null : m.cachedInput();
      args[k++] = m == null ? null : m.output();
      args[k++] = m == null ? null : m.requests();
    }
    bind(ps, args);
    Map<String, Long> idByRun = new HashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        idByRun.put(rs.getString(2), rs.getLong(1));
      }
    }
    long[] ids = new long[chunk.size()];
    for (int i = 0; i < ids.length; i++) {
      Long id = idByRun.get(chunk.get(i).runId());
      if (id == null) {
        throw new SQLException(
            "the insert of an attempt of run " + chunk.get(i).runId() + " gave no id");
      }
      ids[i] = id;
    }
    return ids;
  }

  private PreparedStatement prepare(int rows) throws SQLException {
    String values =
        String.join(", ", Collections.nCopies(rows, "(" + placeholders(ATTEMPT_COLUMNS) + ")"));
    PreparedStatement ps = c.prepareStatement(ATTEMPTS + values + " RETURNING id, run_id");
    open.add(ps);
    return ps;
  }

  private Sql.Batch batch(String sql) throws SQLException {
    Sql.Batch b = new Sql.Batch(c, sql);
    open.add(b);
    return b;
  }

  @Override
  public void close() throws SQLException {
    SQLException first = null;
    if (writer != null) {
      writer.shutdown(); // ends its thread once the chunk in flight is written
    }
    Throwable failed = null;
    Future<?> f = inFlight;
    if (f != null) {
      // the statements close only once the chunk in flight is done with them; its failure, if
      // the caller has not seen it yet, is this close's
      inFlight = null;
      Background.awaitEnd(f);
      failed = Background.failure(f).orElse(null);
      if (failed != null && !(failed instanceof Error)) {
        first = failed instanceof SQLException s ? s : new SQLException(failed);
      }
    }
    for (AutoCloseable a : open) {
      try {
        a.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof SQLException s ? s : new SQLException(e);
        }
      }
    }
    if (failed instanceof Error e) {
      throw e;
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * A SQLException out of an {@link SettlementStore.AttemptSink}, unwrapped by the transaction it
   * ran in.
   */
  static final class UncheckedSqlException extends RuntimeException {
    UncheckedSqlException(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  /**
   * Step indexes as the ledger stores them, comma-joined (a stream per shared minute cost more).
   */
  private static String joinSteps(List<StepIndex> steps) {
    StringBuilder out = new StringBuilder();
    for (StepIndex s : steps) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(s);
    }
    return out.toString();
  }
}
