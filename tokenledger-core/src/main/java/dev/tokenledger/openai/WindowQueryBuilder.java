package dev.tokenledger.openai;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a usage and a costs query both collect: the window, the page size, the {@code group_by}
 * values, and the project and API key filters.
 *
 * @param <B> the builder itself, so that every setter chains
 */
abstract class WindowQueryBuilder<B extends WindowQueryBuilder<B>> {
  Instant start;
  Instant end;
  Integer limit;
  final Set<Dimension> groupBy = new LinkedHashSet<>();
  final Set<String> projectIds = new LinkedHashSet<>();
  final Set<String> apiKeyIds = new LinkedHashSet<>();

  abstract B self();

  /** The inclusive start; floored to the bucket width (a UTC day for costs) when sent. */
  public B start(Instant start) {
    this.start = start;
    return self();
  }

  /** The exclusive end; ceiled to the bucket width (a UTC day for costs) when sent. */
  public B end(Instant end) {
    this.end = end;
    return self();
  }

  /** The window {@code [start, end)}. */
  public B window(Instant start, Instant end) {
    return start(start).end(end);
  }

  /** Buckets per page (days for costs), from 1 up to the endpoint's maximum. */
  public B limit(int limit) {
    this.limit = limit;
    return self();
  }

  public B groupBy(Dimension... dims) {
    return groupBy(Arrays.asList(dims));
  }

  public B groupBy(Collection<Dimension> dims) {
    dims.forEach(d -> groupBy.add(Objects.requireNonNull(d, "group_by value")));
    return self();
  }

  public B projectIds(Collection<String> ids) {
    projectIds.addAll(ids);
    return self();
  }

  public B projectIds(String... ids) {
    return projectIds(Arrays.asList(ids));
  }

  public B apiKeyIds(Collection<String> ids) {
    apiKeyIds.addAll(ids);
    return self();
  }

  public B apiKeyIds(String... ids) {
    return apiKeyIds(Arrays.asList(ids));
  }
}
