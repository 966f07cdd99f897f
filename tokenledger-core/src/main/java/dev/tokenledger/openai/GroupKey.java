package dev.tokenledger.openai;

import java.util.Arrays;
import java.util.List;

/**
 * The identity of one aggregated group: the endpoint and the values of the chosen dimensions
 * ({@code null} where a row was not grouped by one). Equal keys mean the same group.
 */
public final class GroupKey {
  private final UsageEndpoint endpoint;
  private final List<Dimension> dimensions;
  private final Object[] values;
  private final int hash;

  GroupKey(UsageEndpoint endpoint, List<Dimension> dimensions, Object[] values) {
    this.endpoint = endpoint;
    this.dimensions = dimensions;
    this.values = values;
    this.hash = 31 * endpoint.hashCode() + Arrays.hashCode(values);
  }

  /** The key of {@code result} under {@code dimensions}. */
  public static GroupKey of(UsageResult result, List<Dimension> dimensions) {
    Object[] values = new Object[dimensions.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = result.dimension(dimensions.get(i));
    }
    return new GroupKey(result.endpoint(), List.copyOf(dimensions), values);
  }

  public UsageEndpoint endpoint() {
    return endpoint;
  }

  /** The dimensions grouped by, in order. */
  public List<Dimension> dimensions() {
    return dimensions;
  }

  /**
   * The group's value for {@code dimension}: a {@code String}, a {@code Boolean} for batch, or
   * {@code null}.
   *
   * @throws IllegalArgumentException when the key was not built with that dimension
   */
  public Object value(Dimension dimension) {
    int i = dimensions.indexOf(dimension);
    if (i < 0) {
      throw new IllegalArgumentException(
          "this group key has no " + dimension.wire() + "; it has " + dimensions);
    }
    return values[i];
  }

  /** The group's value for {@code dimension} as text, or {@code null}. */
  public String text(Dimension dimension) {
    Object v = value(dimension);
    return v == null ? null : v.toString();
  }

  /** Whether this is the key of a row with these values, under this key's dimensions. */
  boolean matches(int hash, UsageEndpoint endpoint, Object[] values) {
    return this.hash == hash && this.endpoint == endpoint && Arrays.equals(this.values, values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupKey k
        && hash == k.hash
        && endpoint == k.endpoint
        && dimensions.equals(k.dimensions)
        && Arrays.equals(values, k.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** {@code completions model=gpt-4o-mini batch=false}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(endpoint.wireName());
    for (int i = 0; i < values.length; i++) {
      sb.append(' ').append(dimensions.get(i).wire()).append('=').append(values[i]);
    }
    return sb.toString();
  }
}
