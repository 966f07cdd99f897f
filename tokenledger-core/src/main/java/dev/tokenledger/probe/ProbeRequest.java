package dev.tokenledger.probe;

import dev.tokenledger.ModelFilter;
import dev.tokenledger.Require;
import dev.tokenledger.openai.BucketWidth;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.UsageEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What to ask the Usage API for: a window, the endpoints, the dimensions to show, and the filters.
 * The window is widened to whole buckets before it is asked for.
 *
 * @param start inclusive start of the window
 * @param end exclusive end of the window
 * @param width bucket width; {@link #widthFor(Duration)} picks one when the user gives none
 * @param endpoints the usage endpoints to read, at least one
 * @param groupBy the dimensions to show groups by; empty for totals only
 * @param models only these models (empty: all), as {@link ModelFilter} matches them: an undated
 *     name takes in its dated snapshots
 * @param apiKeyIds only these API key ids (empty: all)
 * @param projectIds only these project ids (empty: all)
 * @param userIds only usage of these users' keys (empty: all)
 * @param batch only Batch API usage ({@code true}), only other usage ({@code false}), or both
 *     ({@code null})
 */
public record ProbeRequest(
    Instant start,
    Instant end,
    BucketWidth width,
    List<UsageEndpoint> endpoints,
    List<Dimension> groupBy,
    List<String> models,
    List<String> apiKeyIds,
    List<String> projectIds,
    List<String> userIds,
    Boolean batch) {

  public ProbeRequest {
    Objects.requireNonNull(width, "width");
    Require.window("the window", start, end);
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("endpoints cannot be empty: name at least one");
    }
    groupBy = List.copyOf(groupBy);
    models = List.copyOf(models);
    apiKeyIds = List.copyOf(apiKeyIds);
    projectIds = List.copyOf(projectIds);
    userIds = List.copyOf(userIds);
  }

  /** The model names as a filter. */
  public ModelFilter modelFilter() {
    return ModelFilter.of(models);
  }

  /**
   * The bucket width for a window of {@code length}: minutes up to a day (one page), hours up to a
   * week (one page), days beyond. Finer buckets keep the widened window closest to the one asked.
   */
  public static BucketWidth widthFor(Duration length) {
    if (length.compareTo(Duration.ofDays(1)) <= 0) {
      return BucketWidth.MINUTE;
    }
    if (length.compareTo(Duration.ofDays(7)) <= 0) {
      return BucketWidth.HOUR;
    }
    return BucketWidth.DAY;
  }
}
