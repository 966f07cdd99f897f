package dev.tokenledger.ledger.internal;

import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Ledger work run beside the calling thread, on a daemon thread of its own (a settlement's writes,
 * half of a pass's reads), and the waits for it. Such work holds one of the ledger's connections,
 * so a caller waits for its end whatever interrupts it: the ledger must not roll back or close
 * under it.
 */
public final class Background {
  private Background() {}

  /**
   * One daemon thread named {@code name} that runs what it is given in turn, for work handed over
   * piece by piece (a thread made once costs less than one per piece: a settlement's 20 chunks on
   * one thread took 60–100 ms less than on a thread each). Shut it down when done.
   */
  public static ExecutorService thread(String name) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /** Starts {@code work} on a new daemon thread named {@code name}. */
  public static <T> Future<T> start(String name, Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
    return task;
  }

  /**
   * {@code work}'s result once it has ended, its failure rethrown as it was (a SQLException, a
   * RuntimeException or an Error). Interrupted, it still waits for the end, then says so.
   */
  public static <T> T result(Future<T> work) throws SQLException {
    try {
      return work.get();
    } catch (InterruptedException e) {
      awaitEnd(work);
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while the ledger was being written or read", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException s) {
        throw s;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new SQLException(cause);
    }
  }

  /**
   * Waits until {@code work} has ended, interrupted or not; an interrupt is kept for the caller.
   */
  public static void awaitEnd(Future<?> work) {
    boolean interrupted = false;
    while (true) {
      try {
        work.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break; // its failure is for whoever asks for its result; here only its end matters
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** What {@code work}, which has ended, failed with, if it failed. */
  public static Optional<Throwable> failure(Future<?> work) {
    try {
      work.get();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
