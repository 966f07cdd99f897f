package dev.tokenledger.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The buckets of one page of a usage or costs query: UTC-aligned, the first and last clipped to the
 * requested range, at most {@code limit} of them, and the cursor for the rest.
 */
final class BucketPage {
  final long[] starts;
  final long[] ends;
  final String nextPage;

  private BucketPage(long[] starts, long[] ends, String nextPage) {
    this.starts = starts;
    this.ends = ends;
    this.nextPage = nextPage;
  }

  static BucketPage plan(String path, QueryParams q, BucketWidth width, int limit, long nowSecond) {
    Long start = q.getLong("start_time");
    if (start == null) {
      throw ApiError.badRequest(
          "Missing required parameter: 'start_time' (Unix seconds, inclusive).", "start_time");
    }
    if (start < 0) {
      throw ApiError.badRequest(
          "Invalid value for 'start_time': it must be a non-negative Unix time in seconds.",
          "start_time");
    }
    long hash = PageCursor.hash(path + q.canonical("page"));
    long from;
    long end;
    String page = q.get("page");
    if (page != null && !page.isEmpty()) {
      PageCursor cursor = PageCursor.decode(page, hash);
      from = cursor.nextStart();
      end = cursor.end();
    } else {
      Long endTime = q.getLong("end_time");
      from = start;
      end = endTime != null ? endTime : nowSecond;
      if (end <= start) {
        throw ApiError.badRequest(
            endTime != null
                ? "Invalid value for 'end_time': it must be greater than start_time."
                : "Invalid value for 'start_time': it lies in the future; give an earlier"
                    + " start_time or an end_time.",
            endTime != null ? "end_time" : "start_time");
      }
    }
    List<long[]> buckets = new ArrayList<>();
    long bs = from;
    while (buckets.size() < limit && bs < end) {
      long be = Math.min(width.nextBoundary(bs), end);
      buckets.add(new long[] {bs, be});
      bs = be;
    }
    String next = bs < end ? new PageCursor(bs, end, hash).encode() : null;
    long[] starts = new long[buckets.size()];
    long[] ends = new long[buckets.size()];
    for (int i = 0; i < buckets.size(); i++) {
      starts[i] = buckets.get(i)[0];
      ends[i] = buckets.get(i)[1];
    }
    return new BucketPage(starts, ends, next);
  }

  /**
   * The page as the API answers it: one bucket per planned bucket, in order, each with the rows of
   * its groups sorted by their dimensions ({@code groups.get(i)} belongs to bucket {@code i}), and
   * the cursor for the rest.
   */
  <K extends List<?>, V> ObjectNode toJson(
      List<Map<K, V>> groups, BiConsumer<ArrayNode, Map.Entry<K, V>> addRow) {
    ObjectNode body = Json.object();
    body.put("object", "page");
    ArrayNode data = body.putArray("data");
    for (int i = 0; i < size(); i++) {
      ObjectNode bucket = data.addObject();
      bucket.put("object", "bucket");
      bucket.put("start_time", starts[i]);
      bucket.put("end_time", ends[i]);
      ArrayNode results = bucket.putArray("results");
      List<Map.Entry<K, V>> rows = new ArrayList<>(groups.get(i).entrySet());
      rows.sort((a, b) -> UsageStore.compareDims(a.getKey().toArray(), b.getKey().toArray()));
      for (Map.Entry<K, V> row : rows) {
        addRow.accept(results, row);
      }
    }
    body.put("has_more", nextPage != null);
    body.put("next_page", nextPage);
    return body;
  }

  static int limit(QueryParams q, int defaultLimit, int maxLimit, String widthName) {
    Long limit = q.getLong("limit");
    if (limit == null) {
      return defaultLimit;
    }
    if (limit < 1 || limit > maxLimit) {
      throw ApiError.badRequest(
          "Invalid value for 'limit': "
              + limit
              + ". For bucket_width="
              + widthName
              + ", limit must be between 1 and "
              + maxLimit
              + ".",
          "limit");
    }
    return limit.intValue();
  }

  int size() {
    return starts.length;
  }

  long rangeStart() {
    return starts.length == 0 ? 0 : starts[0];
  }

  long rangeEnd() {
    return ends.length == 0 ? 0 : ends[ends.length - 1];
  }

  /** The bucket a minute cell belongs to: the one holding its start, or the first if earlier. */
  int indexOf(long minute) {
    long t = Math.max(minute, rangeStart());
    int lo = 0;
    int hi = starts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= t) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
