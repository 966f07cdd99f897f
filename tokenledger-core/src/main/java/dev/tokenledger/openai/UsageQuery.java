package dev.tokenledger.openai;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A query to one usage endpoint: a window, a bucket width, grouping and filters. It validates
 * itself when built, so a query the API would refuse is never sent; it asks only for whole buckets
 * ({@link #alignedStart()}, {@link #alignedEnd()}).
 */
public final class UsageQuery {
  private final UsageEndpoint endpoint;
  private final Instant start;
  private final Instant end;
  private final BucketWidth width;
  private final Integer limit;
  private final List<Dimension> groupBy;
  private final List<String> projectIds;
  private final List<String> userIds;
  private final List<String> apiKeyIds;
  private final List<String> models;
  private final Boolean batch;
  private final List<String> sources;
  private final List<String> sizes;
  private final List<String> vectorStoreIds;
  private final List<String> contextLevels;

  private UsageQuery(Builder b) {
    this.endpoint = b.endpoint;
    this.start = b.start;
    this.end = b.end;
    this.width = b.width;
    this.limit = b.limit;
    this.groupBy = List.copyOf(b.groupBy);
    this.projectIds = List.copyOf(b.projectIds);
    this.userIds = List.copyOf(b.userIds);
    this.apiKeyIds = List.copyOf(b.apiKeyIds);
    this.models = List.copyOf(b.models);
    this.batch = b.batch;
    this.sources = List.copyOf(b.sources);
    this.sizes = List.copyOf(b.sizes);
    this.vectorStoreIds = List.copyOf(b.vectorStoreIds);
    this.contextLevels = List.copyOf(b.contextLevels);
  }

  /** A builder for a query to {@code endpoint}. */
  public static Builder builder(UsageEndpoint endpoint) {
    return new Builder().endpoint(endpoint);
  }

  /** A builder holding this query's settings. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.endpoint = endpoint;
    b.start = start;
    b.end = end;
    b.width = width;
    b.limit = limit;
    b.groupBy.addAll(groupBy);
    b.projectIds.addAll(projectIds);
    b.userIds.addAll(userIds);
    b.apiKeyIds.addAll(apiKeyIds);
    b.models.addAll(models);
    b.batch = batch;
    b.sources.addAll(sources);
    b.sizes.addAll(sizes);
    b.vectorStoreIds.addAll(vectorStoreIds);
    b.contextLevels.addAll(contextLevels);
    return b;
  }

  public UsageEndpoint endpoint() {
    return endpoint;
  }

  /** The start as given (inclusive). */
  public Instant start() {
    return start;
  }

  /** The end as given (exclusive). */
  public Instant end() {
    return end;
  }

  /** The start sent to the API: {@link #start()} floored to the bucket width. */
  public Instant alignedStart() {
    return width.floor(start);
  }

  /** The end sent to the API: {@link #end()} ceiled to the bucket width. */
  public Instant alignedEnd() {
    return width.ceil(end);
  }

  public BucketWidth width() {
    return width;
  }

  /** The number of whole buckets in the aligned window. */
  public long bucketCount() {
    return width.bucketsBetween(start, end);
  }

  /**
   * The {@code limit} sent: the one set on the builder, otherwise as many buckets as the window
   * holds up to the width's maximum, so a window is fetched in as few pages as possible.
   */
  public int limit() {
    return limit != null ? limit : (int) Math.min(width.maxLimit(), Math.max(1, bucketCount()));
  }

  public List<Dimension> groupBy() {
    return groupBy;
  }

  public List<String> projectIds() {
    return projectIds;
  }

  public List<String> userIds() {
    return userIds;
  }

  public List<String> apiKeyIds() {
    return apiKeyIds;
  }

  public List<String> models() {
    return models;
  }

  /** {@code true} batch jobs only, {@code false} non-batch only, {@code null} both. */
  public Boolean batch() {
    return batch;
  }

  public List<String> sources() {
    return sources;
  }

  public List<String> sizes() {
    return sizes;
  }

  public List<String> vectorStoreIds() {
    return vectorStoreIds;
  }

  public List<String> contextLevels() {
    return contextLevels;
  }

  /** The query string sent to the API, without a {@code page} cursor. */
  public String toQueryString() {
    QueryString q =
        new QueryString()
            .add("start_time", alignedStart().getEpochSecond())
            .add("end_time", alignedEnd().getEpochSecond())
            .add("bucket_width", width.wire())
            .add("limit", limit());
    List<String> dims = new ArrayList<>(groupBy.size());
    groupBy.forEach(d -> dims.add(d.wire()));
    q.addArray("group_by", dims)
        .addArray("project_ids", projectIds)
        .addArray("user_ids", userIds)
        .addArray("api_key_ids", apiKeyIds)
        .addArray("models", models);
    if (batch != null) {
      q.add("batch", batch.toString());
    }
    return q.addArray("sources", sources)
        .addArray("sizes", sizes)
        .addArray("vector_store_ids", vectorStoreIds)
        .addArray("context_levels", contextLevels)
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UsageQuery q && fields().equals(q.fields());
  }

  @Override
  public int hashCode() {
    return fields().hashCode();
  }

  private List<Object> fields() {
    return Arrays.asList(
        endpoint,
        start,
        end,
        width,
        limit,
        groupBy,
        projectIds,
        userIds,
        apiKeyIds,
        models,
        batch,
        sources,
        sizes,
        vectorStoreIds,
        contextLevels);
  }

  /** The endpoint path and query string, as sent. */
  @Override
  public String toString() {
    return endpoint.path() + "?" + toQueryString();
  }

  /** Collects a query's settings; {@link #build()} checks them against the endpoint's rules. */
  public static final class Builder extends WindowQueryBuilder<Builder> {
    private UsageEndpoint endpoint;
    private BucketWidth width = BucketWidth.DAY;
    private final Set<String> userIds = new LinkedHashSet<>();
    private final Set<String> models = new LinkedHashSet<>();
    private Boolean batch;
    private final Set<String> sources = new LinkedHashSet<>();
    private final Set<String> sizes = new LinkedHashSet<>();
    private final Set<String> vectorStoreIds = new LinkedHashSet<>();
    private final Set<String> contextLevels = new LinkedHashSet<>();

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder endpoint(UsageEndpoint endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** The bucket width; default {@code 1d}, as the API's. */
    public Builder width(BucketWidth width) {
      this.width = width;
      return this;
    }

    public Builder userIds(Collection<String> ids) {
      userIds.addAll(ids);
      return this;
    }

    public Builder userIds(String... ids) {
      return userIds(Arrays.asList(ids));
    }

    public Builder models(Collection<String> names) {
      models.addAll(names);
      return this;
    }

    public Builder models(String... names) {
      return models(Arrays.asList(names));
    }

    /** {@code true} batch jobs only, {@code false} non-batch only, {@code null} (default) both. */
    public Builder batch(Boolean batch) {
      this.batch = batch;
      return this;
    }

    /** Images only: {@code image.generation}, {@code image.edit}, {@code image.variation}. */
    public Builder sources(String... values) {
      sources.addAll(Arrays.asList(values));
      return this;
    }

    /** Images only: sizes such as {@code 1024x1024}. */
    public Builder sizes(String... values) {
      sizes.addAll(Arrays.asList(values));
      return this;
    }

    /** File search calls only. */
    public Builder vectorStoreIds(String... ids) {
      vectorStoreIds.addAll(Arrays.asList(ids));
      return this;
    }

    /** Web search calls only: {@code low}, {@code medium}, {@code high}. */
    public Builder contextLevels(String... values) {
      contextLevels.addAll(Arrays.asList(values));
      return this;
    }

    /**
     * The query, checked: start and end given, end after start, limit within the width's range, and
     * every group_by value and filter accepted by the endpoint.
     *
     * @throws IllegalArgumentException naming the field and the rule broken
     */
    public UsageQuery build() {
      if (endpoint == null) {
        throw new IllegalArgumentException("endpoint is required: choose one of UsageEndpoint");
      }
      if (width == null) {
        throw new IllegalArgumentException("bucket_width is required: 1m, 1h or 1d");
      }
      Windows.check(start, end);
      if (limit != null && (limit < 1 || limit > width.maxLimit())) {
        throw new IllegalArgumentException(
            "limit must be between 1 and "
                + width.maxLimit()
                + " for bucket_width "
                + width.wire()
                + ", was "
                + limit);
      }
      for (Dimension d : groupBy) {
        if (!endpoint.groupByValues().contains(d)) {
          throw new IllegalArgumentException(
              "group_by "
                  + d.wire()
                  + " is not accepted by "
                  + endpoint.path()
                  + "; it accepts "
                  + Dimension.wireNames(endpoint.groupByValues()));
        }
      }
      checkFilter(UsageFilter.PROJECT_IDS, projectIds);
      checkFilter(UsageFilter.USER_IDS, userIds);
      checkFilter(UsageFilter.API_KEY_IDS, apiKeyIds);
      checkFilter(UsageFilter.MODELS, models);
      checkFilter(UsageFilter.SOURCES, sources);
      checkFilter(UsageFilter.SIZES, sizes);
      checkFilter(UsageFilter.VECTOR_STORE_IDS, vectorStoreIds);
      checkFilter(UsageFilter.CONTEXT_LEVELS, contextLevels);
      if (batch != null) {
        checkAccepted(UsageFilter.BATCH);
      }
      return new UsageQuery(this);
    }

    private void checkFilter(UsageFilter filter, Set<String> values) {
      if (values.isEmpty()) {
        return;
      }
      checkAccepted(filter);
      for (String v : values) {
        if (v == null || v.isBlank()) {
          throw new IllegalArgumentException(
              filter.wire() + " cannot contain an empty value, was " + values);
        }
      }
    }

    private void checkAccepted(UsageFilter filter) {
      if (!endpoint.filters().contains(filter)) {
        StringBuilder accepted = new StringBuilder();
        endpoint
            .filters()
            .forEach(f -> accepted.append(accepted.length() == 0 ? "" : ", ").append(f.wire()));
        throw new IllegalArgumentException(
            "filter "
                + filter.wire()
                + " is not accepted by "
                + endpoint.path()
                + "; it accepts "
                + accepted);
      }
    }
  }
}
