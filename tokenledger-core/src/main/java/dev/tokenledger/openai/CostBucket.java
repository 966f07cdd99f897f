package dev.tokenledger.openai;

import java.time.Instant;
import java.util.List;

/** One day of a costs page: {@code [start, end)} and its cost rows. */
public record CostBucket(Instant start, Instant end, List<CostResult> results) {
  public CostBucket {
    results = List.copyOf(results);
  }
}
