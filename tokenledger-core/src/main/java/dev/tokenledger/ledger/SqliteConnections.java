package dev.tokenledger.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteDataSource;

/**
 * The connections of a SQLite ledger: opened by the driver with the ledger's pragmas, kept open
 * between units of work, at most {@link #LENT} lent at once. A file opened by one process needs no
 * pool (no housekeeping thread, no validation, no logging), only this; PostgreSQL, which several
 * processes share, keeps HikariCP.
 */
final class SqliteConnections implements Database.Connections {
  /** As many as the pool lent: more writers in one process would only wait on SQLite's lock. */
  static final int LENT = 2;

  private static final long WAIT_SECONDS = 60;

  private final SQLiteDataSource source;
  private final Semaphore lendable = new Semaphore(LENT, true);
  private final ArrayDeque<Connection> idle = new ArrayDeque<>(LENT);
  private boolean closed;

  SqliteConnections(SQLiteDataSource source) {
    this.source = source;
  }

  /** Opens the first connection now, so a file that is not a database fails at open. */
  SqliteConnections open() throws SQLException {
    give(take());
    return this;
  }

  @Override
  public Connection take() throws SQLException {
    try {
      if (!lendable.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new SQLTransientConnectionException(
            "no ledger connection came free in " + WAIT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a ledger connection", e);
    }
    try {
      Connection c;
      synchronized (this) {
        if (closed) {
          throw new SQLException("the ledger is closed");
        }
        c = idle.pollLast();
      }
      return c != null ? c : source.getConnection();
    } catch (SQLException | RuntimeException e) {
      lendable.release();
      throw e;
    }
  }

  /**
   * Takes a connection back. A unit of work has committed or rolled back, or failed with an error
   * nothing caught: what it left uncommitted is rolled back (leaving manual commit would commit it,
   * half a unit of work), as the pool did on return.
   */
  @Override
  public void give(Connection c) {
    try {
      Connection keep = c;
      try {
        if (!c.getAutoCommit()) {
          c.rollback();
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        keep = null; // one that cannot be reset is not lent again
      }
      boolean kept = false;
      if (keep != null) {
        synchronized (this) {
          if (!closed) {
            idle.addLast(keep);
            kept = true;
          }
        }
      }
      if (!kept) {
        closeQuietly(c);
      }
    } finally {
      lendable.release();
    }
  }

  @Override
  public void close() {
    ArrayDeque<Connection> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayDeque<>(idle);
      idle.clear();
    }
    toClose.forEach(SqliteConnections::closeQuietly);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing: nothing is left to lose
    }
  }
}
