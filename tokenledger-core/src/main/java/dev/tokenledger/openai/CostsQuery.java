package dev.tokenledger.openai;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A query to {@code /organization/costs}: daily buckets only, grouped by project, line item or API
 * key; validated when built and aligned to whole UTC days.
 */
public final class CostsQuery {
  /** The largest {@code limit} (days per page) the Costs API accepts. */
  public static final int MAX_LIMIT = 180;

  /** The {@code group_by} values the Costs API accepts. */
  public static final Set<Dimension> GROUP_BY_VALUES =
      Collections.unmodifiableSet(
          EnumSet.of(Dimension.PROJECT_ID, Dimension.LINE_ITEM, Dimension.API_KEY_ID));

  private static final BucketWidth WIDTH = BucketWidth.DAY;

  private final Instant start;
  private final Instant end;
  private final Integer limit;
  private final List<Dimension> groupBy;
  private final List<String> projectIds;
  private final List<String> apiKeyIds;

  private CostsQuery(Builder b) {
    this.start = b.start;
    this.end = b.end;
    this.limit = b.limit;
    this.groupBy = List.copyOf(b.groupBy);
    this.projectIds = List.copyOf(b.projectIds);
    this.apiKeyIds = List.copyOf(b.apiKeyIds);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The start as given (inclusive). */
  public Instant start() {
    return start;
  }

  /** The end as given (exclusive). */
  public Instant end() {
    return end;
  }

  /** The start sent: {@link #start()} floored to a UTC midnight. */
  public Instant alignedStart() {
    return WIDTH.floor(start);
  }

  /** The end sent: {@link #end()} ceiled to a UTC midnight. */
  public Instant alignedEnd() {
    return WIDTH.ceil(end);
  }

  /** The number of whole days in the aligned window. */
  public long bucketCount() {
    return WIDTH.bucketsBetween(start, end);
  }

  /** The {@code limit} sent: as set, otherwise the days in the window up to {@value #MAX_LIMIT}. */
  public int limit() {
    return limit != null ? limit : (int) Math.min(MAX_LIMIT, Math.max(1, bucketCount()));
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

  /** The endpoint path: {@code /organization/costs}. */
  public String path() {
    return "/organization/costs";
  }

  /** The query string sent to the API, without a {@code page} cursor. */
  public String toQueryString() {
    List<String> dims = new ArrayList<>(groupBy.size());
    groupBy.forEach(d -> dims.add(d.wire()));
    return new QueryString()
        .add("start_time", alignedStart().getEpochSecond())
        .add("end_time", alignedEnd().getEpochSecond())
        .add("bucket_width", WIDTH.wire())
        .add("limit", limit())
        .addArray("group_by", dims)
        .addArray("project_ids", projectIds)
        .addArray("api_key_ids", apiKeyIds)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CostsQuery q && fields().equals(q.fields());
  }

  @Override
  public int hashCode() {
    return fields().hashCode();
  }

  private List<Object> fields() {
    return Arrays.asList(start, end, limit, groupBy, projectIds, apiKeyIds);
  }

  /** The endpoint path and query string, as sent. */
  @Override
  public String toString() {
    return path() + "?" + toQueryString();
  }

  /** Collects a costs query's settings; {@link #build()} checks them. */
  public static final class Builder extends WindowQueryBuilder<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * The query, checked: window given and not empty, limit 1..180, group_by among project_id,
     * line_item, api_key_id.
     *
     * @throws IllegalArgumentException naming the field and the rule broken
     */
    public CostsQuery build() {
      Windows.check(start, end);
      if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
        throw new IllegalArgumentException(
            "limit must be between 1 and " + MAX_LIMIT + " for /organization/costs, was " + limit);
      }
      for (Dimension d : groupBy) {
        if (!GROUP_BY_VALUES.contains(d)) {
          throw new IllegalArgumentException(
              "group_by "
                  + d.wire()
                  + " is not accepted by /organization/costs; it accepts "
                  + Dimension.wireNames(GROUP_BY_VALUES));
        }
      }
      for (String id : projectIds) {
        requireValue("project_ids", id);
      }
      for (String id : apiKeyIds) {
        requireValue("api_key_ids", id);
      }
      return new CostsQuery(this);
    }

    private static void requireValue(String field, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " cannot contain an empty value");
      }
    }
  }
}
