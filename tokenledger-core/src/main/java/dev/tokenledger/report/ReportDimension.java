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
      String name = part.strip().toUpperCase(Locale.ROOT);
      ReportDimension d;
      try {
        d = valueOf(name);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(
            "--by '"
                + part.strip()
                + "' is not a grouping: use run, step, framework, model, day, key, project or month");
      }
      if (out.contains(d)) {
        throw new ConfigurationException("--by names " + d.label() + " twice: name it once");
      }
      out.add(d);
    }
    return List.copyOf(out);
  }
}
