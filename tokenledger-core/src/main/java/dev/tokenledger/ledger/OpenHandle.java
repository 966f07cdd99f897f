package dev.tokenledger.ledger;

import java.time.Instant;

/**
 * What a {@link Run} and a {@link Step} this process records have in common: an exit code to
 * record, and a close that ends it once, on the ledger's clock, and stops its heartbeat.
 */
abstract sealed class OpenHandle implements AutoCloseable permits Run, Step {
  final Ledger ledger;
  private Integer exitCode;
  private boolean closed;

  OpenHandle(Ledger ledger) {
    this.ledger = ledger;
  }

  /** The exit code to record when it ends (none by default). */
  public void exitCode(int code) {
    this.exitCode = code;
  }

  /** Ends it now; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ledger.unregister(this);
    end(exitCode, ledger.clock().instant());
  }

  /** Writes its end to the ledger. */
  abstract void end(Integer exitCode, Instant at);
}
