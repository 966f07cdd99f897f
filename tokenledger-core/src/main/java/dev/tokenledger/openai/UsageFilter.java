package dev.tokenledger.openai;

/**
 * A filter parameter of the usage endpoints; an endpoint accepts the filter of each dimension it
 * groups by (none for {@code service_tier}).
 */
public enum UsageFilter {
  PROJECT_IDS("project_ids", Dimension.PROJECT_ID),
  USER_IDS("user_ids", Dimension.USER_ID),
  API_KEY_IDS("api_key_ids", Dimension.API_KEY_ID),
  MODELS("models", Dimension.MODEL),
  BATCH("batch", Dimension.BATCH),
  SOURCES("sources", Dimension.SOURCE),
  SIZES("sizes", Dimension.SIZE),
  VECTOR_STORE_IDS("vector_store_ids", Dimension.VECTOR_STORE_ID),
  CONTEXT_LEVELS("context_levels", Dimension.CONTEXT_LEVEL);

  private final String wire;
  private final Dimension dimension;

  UsageFilter(String wire, Dimension dimension) {
    this.wire = wire;
    this.dimension = dimension;
  }

  /** The dimension this filter narrows: an endpoint filters by what it groups by. */
  Dimension dimension() {
    return dimension;
  }

  /** The query parameter name, without the {@code []} of array parameters. */
  public String wire() {
    return wire;
  }

  @Override
  public String toString() {
    return wire;
  }
}
