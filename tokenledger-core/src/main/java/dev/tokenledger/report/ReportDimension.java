package dev.tokenledger.report;

import dev.tokenledger.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What a report groups its rows by ({@code --by}); several combine, e.g. framework and model. */
public enum ReportDimension {
  RUN,
  STEP,
  FRAMEWORK,
  MODEL,
  DAY,
  /** The run's API key id. */
  KEY,
  /** The run's project, else the projects its usage rows name. */
  PROJECT,
  /** The UTC month ({@code yyyy-MM}) the run started in. */
  MONTH;

  /** Groupings only {@code usage --group-by} has: the ledger keeps no such field per run. */
  private static final List<String> USAGE_ONLY =
      List.of(
          "user",
          "user_id",
          "batch",
          "service_tier",
          "source",
          "size",
          "vector_store",
          "vector_store_id",
          "context_level");

  /** The name as the command line and JSON write it, e.g. {@code framework}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The dimensions of a comma-separated list such as {@code framework,model}, in the given order.
   *
   * @throws ConfigurationException when a name is unknown, repeated or the list is empty
   */
  public static List<ReportDimension> parse(String text) {
    List<ReportDimension> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String name = part.strip().toLowerCase(Locale.ROOT);
      // The API's spellings, as usage --group-by takes them too: one vocabulary for both.
      name =
          switch (name) {
            case "api_key_id" -> "key";
            case "project_id" -> "project";
            default -> name;
          };
      ReportDimension d;
      try {
        d = valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        String usageOnly =
            USAGE_ONLY.contains(name)
                ? " ("
                    + name
                    + " is a field of the Usage API: tokenledger usage --group-by "
                    + name
                    + ")"
                : "";
        throw new ConfigurationException(
            "--by '"
                + part.strip()
                + "' is not a grouping: use run, step, framework, model, day, key, project or month"
                + usageOnly);
      }
      if (out.contains(d)) {
        throw new ConfigurationException("--by names " + d.label() + " twice: name it once");
      }
      out.add(d);
    }
    return List.copyOf(out);
  }
}
