package dev.tokenledger.ledger;

import static dev.tokenledger.ledger.internal.Sql.*;

import dev.tokenledger.ledger.internal.Liveness;
import dev.tokenledger.ledger.internal.Sql;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Claims on runs, so two reconcilers never work on one run at once (docs/design.md §7): a claim is
 * held until it is released, a settlement stores it, it expires, or its holder on this host is
 * gone. Obtained from {@link Ledger#claimStore()}; every method is one transaction.
 */
public final class ClaimStore {
  /** Claims older than this are free for anyone: 30 minutes. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(30);

  private final Database db;
  private final Clock clock;
  private final Liveness liveness;
  private final SecureRandom random = new SecureRandom();

  ClaimStore(Database db, Clock clock, Liveness liveness) {
    this.db = db;
    this.clock = clock;
    this.liveness = liveness;
  }

  /**
   * The runs one reconciler holds: {@code claimed} are its own until {@link #storeSettlement} or
   * {@link #release}; {@code busy} were held by another reconciler that is alive.
   */
  public record Claim(String holder, List<String> claimed, List<String> busy) {
    public Claim {
      Objects.requireNonNull(holder, "holder");
      claimed = List.copyOf(claimed);
      busy = List.copyOf(busy);
    }
  }

  /**
   * Claims {@code runIds} for one reconciler until {@code leaseFor} from now: a run is free when
   * nobody holds it, its claim expired, or its holder was a process on this host that is gone. On
   * PostgreSQL the claim rows are locked with {@code FOR UPDATE SKIP LOCKED}, so a run another
   * reconciler is claiming at the same moment is passed over; SQLite write transactions take turns.
   */
  public Claim claim(Collection<String> runIds, Duration leaseFor) {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    String holder = HexFormat.of().formatHex(bytes);
    ProcessIdentity me = ProcessIdentity.current();
    List<String> claimed = new ArrayList<>();
    for (List<String> chunk : chunks(runIds)) {
      db.inTransaction(
          "cannot prepare the claims on runs",
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO reconcile_leases (run_id) VALUES (?)"
                        + " ON CONFLICT (run_id) DO NOTHING")) {
              for (String id : chunk) {
                Sql.bind(ps, id);
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return null;
          });
      claimed.addAll(
          db.inTransaction(
              "cannot claim runs to reconcile", c -> claimFree(c, chunk, holder, me, leaseFor)));
    }
    // a set to test against: List.removeAll would compare every run with every claimed one
    Set<String> mine = new HashSet<>(claimed);
    List<String> busy = new ArrayList<>();
    for (String id : new LinkedHashSet<>(runIds)) {
      if (!mine.contains(id)) {
        busy.add(id);
      }
    }
    return new Claim(holder, claimed, busy);
  }

  private List<String> claimFree(
      Connection c, List<String> ids, String holder, ProcessIdentity me, Duration leaseFor)
      throws SQLException {
    Instant now = clock.instant();
    List<String> free = new ArrayList<>();
    query(
        c,
        "SELECT run_id, holder, host, pid, process_started_at, expires_at FROM reconcile_leases"
            + " WHERE "
            + in("run_id", ids.size())
            + db.dialect().forUpdateSkipLocked,
        new ArrayList<>(ids),
        rs -> {
          if (isFree(rs, now)) {
            free.add(rs.getString(1));
          }
        });
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE reconcile_leases SET holder = ?, host = ?, pid = ?, process_started_at = ?,"
                + " expires_at = ? WHERE run_id = ?")) {
      for (String id : free) {
        Sql.bind(
            ps,
            holder,
            me.host(),
            me.pid(),
            Timestamps.format(me.startedAt()),
            Timestamps.format(now.plus(leaseFor)),
            id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    Set<String> freeSet = new HashSet<>(free);
    List<String> ordered = new ArrayList<>(free.size());
    for (String id : ids) {
      if (freeSet.contains(id)) {
        ordered.add(id);
      }
    }
    return ordered;
  }

  private boolean isFree(ResultSet rs, Instant now) throws SQLException {
    if (rs.getString(2) == null) {
      return true;
    }
    Instant expires = Timestamps.parse(rs.getString(6));
    if (expires == null || !now.isBefore(expires)) {
      return true;
    }
    String host = rs.getString(3);
    long pid = rs.getLong(4);
    if (host != null && pid > 0) {
      ProcessIdentity holder = new ProcessIdentity(host, pid, Timestamps.parse(rs.getString(5)));
      return liveness.goneFromThisHost(holder);
    }
    return false;
  }

  /**
   * Which of {@code runIds} another reconciler holds right now: its claim has not expired, and on
   * this host its process is alive. A pass of ours holds nothing once it returns.
   */
  public Set<String> heldByOthers(Collection<String> runIds) {
    Instant now = clock.instant();
    Set<String> held = new LinkedHashSet<>();
    for (List<String> chunk : chunks(runIds)) {
      db.read(
          "cannot read the claims on runs",
          c -> {
            query(
                c,
                "SELECT run_id, holder, host, pid, process_started_at, expires_at"
                    + " FROM reconcile_leases WHERE "
                    + in("run_id", chunk.size()),
                new ArrayList<>(chunk),
                rs -> {
                  if (!isFree(rs, now)) {
                    held.add(rs.getString(1));
                  }
                });
            return null;
          });
    }
    return held;
  }

  /** Gives up the runs of {@code claim} without storing anything. */
  public void release(Claim claim) {
    db.inTransaction(
        "cannot release the claims on runs",
        c -> {
          releaseAll(c, claim.holder());
          return null;
        });
  }

  static void releaseAll(Connection c, String holder) throws SQLException {
    Sql.update(
        c,
        "UPDATE reconcile_leases SET holder = NULL, host = NULL, pid = NULL,"
            + " process_started_at = NULL, expires_at = NULL WHERE holder = ?",
        holder);
  }
}
