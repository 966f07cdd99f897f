package dev.tokenledger.reconcile;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import java.time.Instant;

/**
 * Usage of a framework key, in the minutes a pass read, that fell in no recorded run of the key:
 * someone used the key outside every run.
 *
 * @param minutes how many minute buckets held such usage
 * @param firstMinute the earliest of them
 * @param lastMinute the latest of them
 */
public record UnattributedUsage(
    String apiKeyId, TokenCounts counts, int minutes, Instant firstMinute, Instant lastMinute) {

  public UnattributedUsage {
    Require.nonNull("apiKeyId counts", apiKeyId, counts);
  }
}
