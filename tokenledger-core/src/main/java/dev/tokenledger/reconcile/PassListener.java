package dev.tokenledger.reconcile;

import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.openai.UsageEndpoint;

/**
 * Hears how a reconcile pass goes, for a progress display: the plan, each stored read, then the
 * attribution. Callbacks come on the thread running the pass.
 */
public interface PassListener {
  /** Nothing is heard. */
  PassListener NONE = new PassListener() {};

  /** The pass will make {@code reads} reads for {@code runs} runs. */
  default void planned(int reads, int runs) {}

  /** Read number {@code done} (of the planned) was stored; {@code failed} when it failed. */
  default void readStored(int done, UsageEndpoint endpoint, QueryWindow window, boolean failed) {}

  /** Every read is stored; the pass attributes them to {@code runs} runs and stores the figures. */
  default void attributing(int runs) {}
}
