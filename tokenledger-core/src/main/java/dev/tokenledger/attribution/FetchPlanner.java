package dev.tokenledger.attribution;

import dev.tokenledger.Require;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Plans the usage queries of one reconcile pass (docs/design.md §4.1): the union of the runs'
 * windows, each widened by the settle lag, floored and ceiled to whole minutes and cut at the
 * current minute; windows closer than the merge gap, or whose merging costs no extra page, become
 * one query. The windows never overlap, so no minute is fetched twice, and their number depends on
 * the minutes covered, not on runs × steps.
 */
public final class FetchPlanner {
  /** Windows at most this far apart are fetched as one: 60 minutes. */
  public static final Duration DEFAULT_MERGE_GAP = Duration.ofMinutes(60);

  private final long lagMillis;
  private final long mergeGapMillis;

  /** A planner with the default settle lag and merge gap. */
  public FetchPlanner() {
    this(Attributor.DEFAULT_SETTLE_LAG, DEFAULT_MERGE_GAP);
  }

  public FetchPlanner(Duration settleLag, Duration mergeGap) {
    Require.nonNull("settleLag mergeGap", settleLag, mergeGap);
    if (settleLag.isNegative()) {
      throw new IllegalArgumentException("settleLag cannot be negative, got " + settleLag);
    }
    if (mergeGap.isNegative()) {
      throw new IllegalArgumentException("mergeGap cannot be negative, got " + mergeGap);
    }
    this.lagMillis = settleLag.toMillis();
    this.mergeGapMillis = mergeGap.toMillis();
  }

  /**
   * The queries that cover every minute in which usage of {@code runs} can be filed, up to {@code
   * now} (open runs and recent ends are cut there), in time order.
   */
  public List<QueryWindow> plan(Collection<RunWindow> runs, Instant now) {
    Objects.requireNonNull(now, "now");
    long horizon = Minutes.ceil(now.toEpochMilli());
    List<Span> spans = new ArrayList<>();
    for (RunWindow run : runs) {
      long start = Minutes.floor(run.start().toEpochMilli());
      long end =
          run.end() == null
              ? horizon
              : Math.min(
                  Minutes.ceil(Minutes.plusSaturated(run.end().toEpochMilli(), lagMillis)),
                  horizon);
      if (end > start) {
        spans.add(new Span(start, end, run.apiKeyId()));
      }
    }
    spans.sort(Comparator.comparingLong(Span::start));

    List<QueryWindow> windows = new ArrayList<>();
    long start = 0;
    long end = 0;
    TreeSet<String> keys = new TreeSet<>();
    for (Span span : spans) {
      if (!keys.isEmpty() && !joins(start, end, span)) {
        windows.add(window(start, end, keys));
        keys.clear();
      }
      if (keys.isEmpty()) {
        start = span.start();
        end = span.end();
      } else {
        end = Math.max(end, span.end());
      }
      keys.add(span.apiKeyId());
    }
    if (!keys.isEmpty()) {
      windows.add(window(start, end, keys));
    }
    return windows;
  }

  private boolean joins(long start, long end, Span span) {
    if (span.start() - end <= mergeGapMillis) {
      return true;
    }
    long merged = Math.max(end, span.end()) - start;
    return pages(merged) <= pages(end - start) + pages(span.end() - span.start());
  }

  private static long pages(long millis) {
    return QueryWindow.pagesFor(millis / Minutes.MINUTE);
  }

  private static QueryWindow window(long start, long end, TreeSet<String> keys) {
    return new QueryWindow(
        Instant.ofEpochMilli(start), Instant.ofEpochMilli(end), List.copyOf(keys));
  }

  private record Span(long start, long end, String apiKeyId) {}
}
