package dev.tokenledger.attribution;

import dev.tokenledger.Require;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One usage query to make: whole minutes {@code [start, end)} with {@code bucket_width=1m},
 * filtered by {@code api_key_ids}.
 */
public record QueryWindow(Instant start, Instant end, List<String> apiKeyIds) {

  /** The most minute buckets one page of the Usage API returns ({@code limit} maximum for 1m). */
  public static final int MAX_MINUTE_BUCKETS_PER_PAGE = 1440;

  public QueryWindow {
    Require.nonNull("start end", start, end);
    if (!Minutes.isWholeMinute(start) || !Minutes.isWholeMinute(end)) {
      throw new IllegalArgumentException(
          "a query window must start and end on whole minutes, got [" + start + ", " + end + ")");
    }
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException(
          "a query window must end after it starts, got [" + start + ", " + end + ")");
    }
    apiKeyIds = List.copyOf(apiKeyIds);
    if (apiKeyIds.isEmpty()) {
      throw new IllegalArgumentException("a query window needs at least one api key id");
    }
  }

  /** The number of minute buckets the window covers. */
  public long minutes() {
    return Duration.between(start, end).toMinutes();
  }

  /** The number of requests (pages) fetching it takes at the maximum {@code limit}. */
  public long pages() {
    return pagesFor(minutes());
  }

  static long pagesFor(long minutes) {
    return -Math.floorDiv(-minutes, MAX_MINUTE_BUCKETS_PER_PAGE);
  }
}
