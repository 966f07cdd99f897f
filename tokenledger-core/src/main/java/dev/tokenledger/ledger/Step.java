package dev.tokenledger.ledger;

import java.time.Instant;

/**
 * A step this process is recording, from {@link Run#step(String)} or {@link
 * Ledger#startStep(String, Integer, String)}; close it to end it on the ledger's clock.
 */
public final class Step extends OpenHandle {
  private final String runId;
  private final int index;

  Step(Ledger ledger, String runId, int index) {
    super(ledger);
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

  @Override
  void end(Integer exitCode, Instant at) {
    ledger.endStep(runId, index, exitCode, at);
  }
}
