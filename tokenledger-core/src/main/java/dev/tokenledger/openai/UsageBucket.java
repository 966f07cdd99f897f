package dev.tokenledger.openai;

import java.time.Instant;
import java.util.List;

/**
 * One time bucket of a usage page: {@code [start, end)} and every result row in it (several when
 * grouping; none when nothing was used).
 */
public record UsageBucket(Instant start, Instant end, List<UsageResult> results) {
  public UsageBucket {
    results = List.copyOf(results);
  }
}
