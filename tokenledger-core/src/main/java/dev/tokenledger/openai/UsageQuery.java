package dev.tokenledger.openai;

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
public final class UsageQuery extends WindowQuery {
  private final UsageEndpoint endpoint;
  private final List<String> userIds;
  private final List<String> models;
  private final Boolean batch;
  private final List<String> sources;
  private final List<String> sizes;
  private final List<String> vectorStoreIds;
  private final List<String> contextLevels;

  private UsageQuery(Builder b) {
    super(b, b.width);
    this.endpoint = b.endpoint;
    this.userIds = List.copyOf(b.userIds);
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
    copyTo(b);
    b.width = width();
    b.userIds.addAll(userIds);
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

  @Override
  int maxLimit() {
    return width().maxLimit();
  }

  public List<String> userIds() {
    return userIds;
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

  @Override
  public String toQueryString() {
    QueryString q =
        windowQueryString()
            .addArray("project_ids", projectIds())
            .addArray("user_ids", userIds)
            .addArray("api_key_ids", apiKeyIds())
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

  /** The path relative to the base URL, e.g. {@code /organization/usage/completions}. */
  @Override
  public String path() {
    return endpoint.path();
  }

  @Override
  List<Object> ownFields() {
    return Arrays.asList(
        endpoint, userIds, models, batch, sources, sizes, vectorStoreIds, contextLevels);
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
