package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import java.time.Instant;
import java.util.Objects;

/**
 * One attempt to read a run's figures from the Usage API: when, and either the four counters
 * attribution gave the run or the error that stopped the read.
 */
record UsageRead(Instant at, TokenCounts counts, String error) {

  public UsageRead {
    Objects.requireNonNull(at, "at");
    if ((counts == null) == (error == null)) {
      throw new IllegalArgumentException(
          "a usage read has either counts or an error, not both and not neither (at " + at + ")");
    }
  }

  /** A read that returned figures. */
  public static UsageRead success(Instant at, TokenCounts counts) {
    return new UsageRead(at, Objects.requireNonNull(counts, "counts"), null);
  }

  /** A read that failed, with a message saying why (never containing a key). */
  public static UsageRead failure(Instant at, String error) {
    return new UsageRead(at, null, Objects.requireNonNull(error, "error"));
  }

  public boolean succeeded() {
    return counts != null;
  }
}
