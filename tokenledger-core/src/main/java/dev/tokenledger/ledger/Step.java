package dev.tokenledger.ledger;

/**
 * A step this process is recording, from {@link Run#step(String)} or {@link
 * Ledger#startStep(String, Integer, String)}; close it to end it on the ledger's clock.
 */
public final class Step implements AutoCloseable {
  private final Ledger ledger;
  private final String runId;
  private final int index;
  private Integer exitCode;
  private boolean closed;

  Step(Ledger ledger, String runId, int index) {
    this.ledger = ledger;
    this.runId = runId;
    this.index = index;
  }

  /** The run this step belongs to. */
  public String runId() {
    return runId;
  }

  /** The step's index in its run, from 1. */
  public int index() {
    return index;
  }

  /** The exit code to record when the step ends (none by default). */
  public void exitCode(int code) {
    this.exitCode = code;
  }

  /** Ends the step now; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ledger.unregister(this);
    ledger.endStep(runId, index, exitCode, ledger.clock().instant());
  }
}
