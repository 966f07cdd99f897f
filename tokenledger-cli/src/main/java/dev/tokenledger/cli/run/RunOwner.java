package dev.tokenledger.cli.run;

import dev.tokenledger.ledger.ProcessIdentity;

/** Who owns what {@code run start} and {@code run step start} record. */
final class RunOwner {
  private RunOwner() {}

  /**
   * The process that called tokenledger (the harness): these commands exit at once, and the run
   * stays open while its harness lives. When the harness dies first, readers show it interrupted.
   */
  static ProcessIdentity harness() {
    return ProcessIdentity.parentOfCurrent();
  }
}
