package dev.tokenledger.ledger.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Marks the runs and steps this process holds open as alive, every {@code interval} on a daemon
 * thread (started with the first one; zero interval: never), all in one transaction. A lost
 * heartbeat is a warning: the next one may work, and the experiment must go on.
 */
public final class Heartbeats implements AutoCloseable {
  /** Writes one heartbeat of something held open. */
  @FunctionalInterface
  public interface Beat {
    void write(Connection c, Instant now) throws SQLException;
  }

  private final Sql.Transactions tx;
  private final Clock clock;
  private final Duration interval;
  private final Consumer<String> warnings;
  private final Map<Object, Beat> open = new ConcurrentHashMap<>();
  private ScheduledExecutorService scheduler;

  public Heartbeats(
      Sql.Transactions tx, Clock clock, Duration interval, Consumer<String> warnings) {
    this.tx = tx;
    this.clock = clock;
    this.interval = interval;
    this.warnings = warnings;
  }

  /** Heartbeats {@code handle} with {@code beat} until it is unregistered. */
  public void register(Object handle, Beat beat) {
    open.put(handle, beat);
    if (interval.isZero()) {
      return;
    }
    synchronized (this) {
      if (scheduler == null) {
        scheduler =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "tokenledger-heartbeat");
                  t.setDaemon(true);
                  return t;
                });
        long ms = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::beatQuietly, ms, ms, TimeUnit.MILLISECONDS);
      }
    }
  }

  public void unregister(Object handle) {
    open.remove(handle);
  }

  /** Writes one heartbeat for everything held open. */
  public void beatNow() {
    if (open.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    tx.inTransaction(
        "cannot write a heartbeat",
        c -> {
          for (Beat b : open.values()) {
            b.write(c, now);
          }
          return null;
        });
  }

  private void beatQuietly() {
    try {
      beatNow();
    } catch (RuntimeException e) {
      warnings.accept("tokenledger: warning: " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }
}
