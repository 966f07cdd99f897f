package dev.tokenledger.openai;

import java.time.Instant;
import java.util.List;

/**
 * One time bucket of a usage page: {@code [start, end)} and every result row in it (several when
 * grouping; none when nothing was used).
 *
 * @param raw the result rows exactly as returned ({@link #rawResult(int)}); not part of the value
 */
public record UsageBucket(Instant start, Instant end, List<UsageResult> results, RawResults raw) {
  public UsageBucket {
    results = List.copyOf(results);
    raw = raw == null ? RawResults.NONE : raw;
  }

  /** A bucket that keeps no raw rows (not parsed from a page). */
  public UsageBucket(Instant start, Instant end, List<UsageResult> results) {
    this(start, end, results, RawResults.NONE);
  }

  /** Result {@code i} as the API returned it (JSON text), or null when not kept. */
  public String rawResult(int i) {
    return raw.text(i);
  }
}
