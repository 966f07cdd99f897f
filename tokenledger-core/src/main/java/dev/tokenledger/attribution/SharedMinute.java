package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A minute whose bucket was split between a run (or step) and others: who else took part, the whole
 * bucket of the key in that minute, and the part this run (or step) received.
 *
 * @param otherRunIds the other runs of the same key in this minute (empty when only steps shared)
 * @param otherStepIds the other steps of the same run in this minute (always empty for a run)
 * @param bucket everything the key used in this minute, over all its rows
 * @param share the part attributed here
 */
public record SharedMinute(
    Instant minute,
    List<String> otherRunIds,
    List<String> otherStepIds,
    TokenCounts bucket,
    TokenCounts share) {

  public SharedMinute {
    Objects.requireNonNull(minute, "minute");
    otherRunIds = List.copyOf(otherRunIds);
    otherStepIds = List.copyOf(otherStepIds);
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(share, "share");
  }
}
