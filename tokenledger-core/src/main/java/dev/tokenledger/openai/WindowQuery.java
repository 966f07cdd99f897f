package dev.tokenledger.openai;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link UsageQuery} and a {@link CostsQuery} share: a window asked for in whole buckets of
 * one width, the page size, the {@code group_by} values, and the project and API key filters.
 */
public abstract class WindowQuery {
  private final Instant start;
  private final Instant end;
  private final BucketWidth width;
  private final Integer limit;
  private final List<Dimension> groupBy;
  private final List<String> projectIds;
  private final List<String> apiKeyIds;

  WindowQuery(WindowQueryBuilder<?> b, BucketWidth width) {
    this.start = b.start;
    this.end = b.end;
    this.width = width;
    this.limit = b.limit;
    this.groupBy = List.copyOf(b.groupBy);
    this.projectIds = List.copyOf(b.projectIds);
    this.apiKeyIds = List.copyOf(b.apiKeyIds);
  }

  /** Puts the shared settings into {@code b}, for a builder holding this query's settings. */
  void copyTo(WindowQueryBuilder<?> b) {
    b.start = start;
    b.end = end;
    b.limit = limit;
    b.groupBy.addAll(groupBy);
    b.projectIds.addAll(projectIds);
    b.apiKeyIds.addAll(apiKeyIds);
  }

  /** The start as given (inclusive). */
  public Instant start() {
    return start;
  }

  /** The end as given (exclusive). */
  public Instant end() {
    return end;
  }

  /** The bucket width: as set for usage, a UTC day for costs. */
  public BucketWidth width() {
    return width;
  }

  /** The start sent to the API: {@link #start()} floored to the bucket width. */
  public Instant alignedStart() {
    return width.floor(start);
  }

  /** The end sent to the API: {@link #end()} ceiled to the bucket width. */
  public Instant alignedEnd() {
    return width.ceil(end);
  }

  /** The number of whole buckets in the aligned window. */
  public long bucketCount() {
    return width.bucketsBetween(start, end);
  }

  /**
   * The {@code limit} sent: the one set on the builder, otherwise as many buckets as the window
   * holds up to the endpoint's maximum, so a window is fetched in as few pages as possible.
   */
  public int limit() {
    return limit != null ? limit : (int) Math.min(maxLimit(), Math.max(1, bucketCount()));
  }

  public List<Dimension> groupBy() {
    return groupBy;
  }

  public List<String> projectIds() {
    return projectIds;
  }

  public List<String> apiKeyIds() {
    return apiKeyIds;
  }

  /** The largest {@code limit} the endpoint accepts for this width. */
  abstract int maxLimit();

  /** The endpoint path, e.g. {@code /organization/costs}. */
  public abstract String path();

  /** The query string sent to the API, without a {@code page} cursor. */
  public abstract String toQueryString();

  /** The settings beyond the shared ones, for {@link #equals}. */
  abstract List<Object> ownFields();

  /** The start of {@link #toQueryString()}: window, width, limit and {@code group_by}. */
  QueryString windowQueryString() {
    List<String> dims = new ArrayList<>(groupBy.size());
    groupBy.forEach(d -> dims.add(d.wire()));
    return new QueryString()
        .add("start_time", alignedStart().getEpochSecond())
        .add("end_time", alignedEnd().getEpochSecond())
        .add("bucket_width", width.wire())
        .add("limit", limit())
        .addArray("group_by", dims);
  }

  private List<Object> fields() {
    List<Object> all = new ArrayList<>(ownFields());
    all.addAll(List.of(start, end, width, groupBy, projectIds, apiKeyIds));
    all.add(limit); // may be null
    return all;
  }

  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && fields().equals(((WindowQuery) o).fields());
  }

  @Override
  public int hashCode() {
    return fields().hashCode();
  }

  /** The endpoint path and query string, as sent. */
  @Override
  public String toString() {
    return path() + "?" + toQueryString();
  }
}
