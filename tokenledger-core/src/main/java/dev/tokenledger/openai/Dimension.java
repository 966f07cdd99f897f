package dev.tokenledger.openai;

import java.util.List;
import java.util.Locale;

/**
 * A field the Usage or Costs API can group results by ({@code group_by}); a result's value for it
 * is {@code null} when the query did not group by it.
 */
public enum Dimension {
  PROJECT_ID("project_id"),
  USER_ID("user_id"),
  API_KEY_ID("api_key_id"),
  MODEL("model"),
  BATCH("batch"),
  SERVICE_TIER("service_tier"),
  SOURCE("source"),
  SIZE("size"),
  VECTOR_STORE_ID("vector_store_id"),
  CONTEXT_LEVEL("context_level"),
  LINE_ITEM("line_item");

  private final String wire;

  Dimension(String wire) {
    this.wire = wire;
  }

  /** The name the API uses, e.g. {@code api_key_id}. */
  public String wire() {
    return wire;
  }

  /**
   * The dimension named {@code name} as the API spells it ({@code api_key_id}); case-insensitive.
   */
  public static Dimension fromWire(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (Dimension d : values()) {
      if (d.wire.equals(n)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "group_by '"
            + name
            + "' is not a known dimension; use one of "
            + wireNames(List.of(values())));
  }

  static String wireNames(Iterable<Dimension> dims) {
    StringBuilder sb = new StringBuilder();
    for (Dimension d : dims) {
      sb.append(sb.length() == 0 ? "" : ", ").append(d.wire);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return wire;
  }
}
