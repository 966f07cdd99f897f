package dev.tokenledger.openai;

import java.util.List;
import java.util.Locale;

/**
 * A field the Usage or Costs API can group results by ({@code group_by}); a result's value for it
 * is {@code null} when the query did not group by it.
 */
public enum Dimension {
  PROJECT_ID,
  USER_ID,
  API_KEY_ID,
  MODEL,
  BATCH,
  SERVICE_TIER,
  SOURCE,
  SIZE,
  VECTOR_STORE_ID,
  CONTEXT_LEVEL,
  LINE_ITEM;

  /** The API spells every dimension as its constant in lower case. */
  private final String wire = name().toLowerCase(Locale.ROOT);

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

  /**
   * The dimension a person names: tokenledger's short names, shared with {@code report --by}
   * ({@code key}, {@code project}, {@code user}, {@code model}, {@code batch}, {@code
   * service_tier}, …), or the API's spelling ({@code api_key_id}, {@code project_id}, {@code
   * user_id}); case-insensitive.
   *
   * @throws IllegalArgumentException naming the names there are, and {@code report} for the
   *     groupings only a report has (run, step, framework, day, month)
   */
  public static Dimension parse(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (Dimension d : values()) {
      if (d.wire.equals(n) || d.shortName().equals(n)) {
        return d;
      }
    }
    if (REPORT_ONLY.contains(n)) {
      throw new IllegalArgumentException(
          "'"
              + n
              + "' groups recorded runs: use tokenledger report --by "
              + n
              + "; usage groups by "
              + shortNames());
    }
    throw new IllegalArgumentException(
        "'" + name + "' is not a grouping: use one of " + shortNames());
  }

  /** The groupings of {@code report --by} that the Usage API has no field for. */
  private static final List<String> REPORT_ONLY =
      List.of("run", "step", "framework", "day", "month");

  /**
   * tokenledger's name for this dimension, the same in {@code usage --group-by} and {@code report
   * --by}: {@code key}, {@code project}, {@code user}, {@code vector_store}, else the API's.
   */
  public String shortName() {
    return switch (this) {
      case API_KEY_ID -> "key";
      case PROJECT_ID -> "project";
      case USER_ID -> "user";
      case VECTOR_STORE_ID -> "vector_store";
      default -> wire;
    };
  }

  private static String shortNames() {
    StringBuilder sb = new StringBuilder();
    for (Dimension d : values()) {
      if (d != LINE_ITEM) {
        sb.append(sb.length() == 0 ? "" : ", ").append(d.shortName());
      }
    }
    return sb.toString();
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
