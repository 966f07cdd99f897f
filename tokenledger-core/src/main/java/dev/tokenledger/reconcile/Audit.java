package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import java.util.Objects;

/**
 * How the Usage API compared with a metered run's metered usage (docs/metering.md), over the
 * clusters of consecutive minutes of its key that concern it.
 *
 * @param label {@code audited} (equal), {@code unmetered} (the API shows more: something used the
 *     key around the meter) or {@code api_below} (the API shows less)
 * @param run the run's own metered figures (the sums of its metered requests)
 * @param api what the Usage API filed in those minutes: the upper bound of the run's usage
 * @param metered what was metered in those minutes (by every metered run of the key)
 * @param unmetered the API's usage beyond the metered, in minutes no unmetered run of the key
 *     covers
 * @param deficit metered usage the API does not show
 */
public record Audit(
    String label,
    TokenCounts run,
    TokenCounts api,
    TokenCounts metered,
    TokenCounts unmetered,
    TokenCounts deficit) {

  /** The label of an audit that agrees. */
  public static final String AUDITED = "audited";

  /** The label of an audit whose API figures are higher. */
  public static final String UNMETERED = "unmetered";

  /** The label of an audit whose API figures are lower. */
  public static final String API_BELOW = "api_below";

  public Audit {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(metered, "metered");
    Objects.requireNonNull(unmetered, "unmetered");
    Objects.requireNonNull(deficit, "deficit");
  }
}
