package dev.tokenledger.openai;

/** A filter parameter of the usage endpoints; which ones an endpoint accepts varies. */
public enum UsageFilter {
  PROJECT_IDS("project_ids"),
  USER_IDS("user_ids"),
  API_KEY_IDS("api_key_ids"),
  MODELS("models"),
  BATCH("batch"),
  SOURCES("sources"),
  SIZES("sizes"),
  VECTOR_STORE_IDS("vector_store_ids"),
  CONTEXT_LEVELS("context_levels");

  private final String wire;

  UsageFilter(String wire) {
    this.wire = wire;
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
