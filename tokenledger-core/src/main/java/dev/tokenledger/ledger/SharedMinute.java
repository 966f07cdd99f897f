package dev.tokenledger.ledger;

import dev.tokenledger.TokenCounts;
import java.time.Instant;
import java.util.List;

/** A minute a run (step null) or step shared with others of its key. */
public record SharedMinute(
    Integer stepIndex,
    String endpoint,
    Instant minute,
    List<String> otherRunIds,
    List<String> otherStepIndexes,
    TokenCounts bucket,
    TokenCounts share) {
  public SharedMinute {
    otherRunIds = List.copyOf(otherRunIds);
    otherStepIndexes = List.copyOf(otherStepIndexes);
  }
}
