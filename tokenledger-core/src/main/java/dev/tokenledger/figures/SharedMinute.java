package dev.tokenledger.figures;

import dev.tokenledger.TokenCounts;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A minute whose bucket was split between a run (or step) and others: who else took part, the whole
 * bucket of the key in that minute, and the part this run (or step) received. Attribution makes it
 * (without an endpoint: it attributes the rows of one endpoint at a time), reconcile places it on
 * the endpoint read ({@link #on}), the ledger stores it and {@code run show} prints it.
 *
 * @param step null for the run, else the step that shared the minute
 * @param endpoint the endpoint whose bucket it was; null until placed
 * @param otherRunIds the other runs of the same key in this minute (empty when only steps shared)
 * @param otherSteps the other steps of the same run in this minute (always empty for a run)
 * @param bucket everything the key used in this minute, over all its rows
 * @param share the part attributed here
 */
public record SharedMinute(
    StepIndex step,
    Endpoint endpoint,
    Instant minute,
    List<String> otherRunIds,
    List<StepIndex> otherSteps,
    TokenCounts bucket,
    TokenCounts share) {

  public SharedMinute {
    Objects.requireNonNull(minute, "minute");
    otherRunIds = List.copyOf(otherRunIds);
    otherSteps = List.copyOf(otherSteps);
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(share, "share");
  }

  /** This minute as read from {@code readFrom}. */
  public SharedMinute on(Endpoint readFrom) {
    return new SharedMinute(step, readFrom, minute, otherRunIds, otherSteps, bucket, share);
  }
}
