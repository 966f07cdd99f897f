package dev.tokenledger.cli.reconcile;

import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.reconcile.PassListener;
import java.io.PrintWriter;

/**
 * A one-line progress display on stderr for long passes (many reads or many runs), redrawn in
 * place; only when the process talks to a terminal, so logs and pipes stay clean.
 */
final class ProgressLine implements PassListener {
  private static final int LONG_PASS_READS = 4;
  private static final int LONG_PASS_RUNS = 200;

  private final PrintWriter err;
  private int reads;
  private boolean active;

  ProgressLine(PrintWriter err) {
    this.err = err;
  }

  /** A progress line when there is a terminal, else nothing. */
  static PassListener forTerminal(PrintWriter err) {
    return System.console() != null ? new ProgressLine(err) : PassListener.NONE;
  }

  @Override
  public void planned(int reads, int runs) {
    this.reads = reads;
    this.active = reads >= LONG_PASS_READS || runs >= LONG_PASS_RUNS;
  }

  @Override
  public void readStored(int done, UsageEndpoint endpoint, QueryWindow window, boolean failed) {
    if (active) {
      err.print("\rreconcile: read " + done + "/" + reads + " (" + endpoint.wireName() + ")      ");
      err.flush();
    }
  }

  @Override
  public void attributing(int runs) {
    if (active) {
      // the reads are done: clear the line before the results are printed
      err.print("\r" + " ".repeat(60) + "\r");
      err.flush();
    }
  }
}
