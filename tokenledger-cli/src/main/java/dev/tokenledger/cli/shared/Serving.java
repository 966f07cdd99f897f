package dev.tokenledger.cli.shared;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * The life of a serving command ({@code sim}, {@code proxy}): it serves until the JVM is asked to
 * stop (Ctrl-C, kill) or until what it serves stops on its own, and closes its resources once
 * either way.
 */
public final class Serving {
  private final AutoCloseable[] resources;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean closed;

  private Serving(AutoCloseable[] resources) {
    this.resources = resources;
  }

  /**
   * Registers the stop on Ctrl-C or kill; call it before the command says it is serving, so that a
   * stop right after that line still closes {@code resources}, in order.
   */
  public static Serving start(String name, AutoCloseable... resources) {
    Serving serving = new Serving(resources.clone());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  serving.close();
                  serving.stopped.countDown();
                },
                "tokenledger-" + name + "-stop"));
    return serving;
  }

  /** Blocks until the JVM is asked to stop. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Blocks until the JVM is asked to stop (empty) or {@code failure} completes: then the resources
   * are closed and its reason returned, for the command to exit with a failure.
   */
  public Optional<String> awaitStopOr(CompletionStage<String> failure) throws InterruptedException {
    CompletableFuture<String> reason =
        failure.toCompletableFuture().exceptionally(e -> String.valueOf(e.getMessage()));
    reason.whenComplete((r, e) -> stopped.countDown());
    stopped.await();
    if (!reason.isDone()) {
      return Optional.empty();
    }
    close();
    return Optional.of(reason.join());
  }

  // Synchronized: the shutdown hook waits for a close in progress, so the JVM does not end halfway.
  private synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        // stopping anyway: the next resource still gets closed
      }
    }
  }
}
