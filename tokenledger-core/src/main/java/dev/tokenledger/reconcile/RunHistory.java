package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything settling needs to know about one run.
 *
 * @param runEnd when the run ended, or {@code null} while it is open
 * @param reads every read of the run so far, oldest first (failed ones included)
 * @param localCounts the run's locally recorded counts, or {@code null} when it was not metered
 * @param acceptedAt when a person accepted the run's figures ({@code reconcile --accept}), or
 *     {@code null}; it covers what the reads up to that instant showed, not later changes
 */
record RunHistory(
    Instant runEnd, List<UsageRead> reads, TokenCounts localCounts, Instant acceptedAt) {

  public RunHistory {
    reads = List.copyOf(Objects.requireNonNull(reads, "reads"));
    for (int i = 1; i < reads.size(); i++) {
      if (reads.get(i).at().isBefore(reads.get(i - 1).at())) {
        throw new IllegalArgumentException(
            "reads must be oldest first, but "
                + reads.get(i).at()
                + " comes after "
                + reads.get(i - 1).at());
      }
    }
  }

  /** A run with reads, no local counts and no acceptance. */
  public static RunHistory of(Instant runEnd, List<UsageRead> reads) {
    return new RunHistory(runEnd, reads, null, null);
  }

  /** The same history with one more read at the end. */
  public RunHistory withRead(UsageRead read) {
    List<UsageRead> more = new ArrayList<>(reads);
    more.add(read);
    return new RunHistory(runEnd, more, localCounts, acceptedAt);
  }

  /** The same history, accepted at {@code at}. */
  public RunHistory acceptedAt(Instant at) {
    return new RunHistory(runEnd, reads, localCounts, at);
  }
}
