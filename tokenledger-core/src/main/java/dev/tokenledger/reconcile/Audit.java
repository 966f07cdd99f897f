package dev.tokenledger.reconcile;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;

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
    Require.nonNull(
        "label run api metered unmetered deficit", label, run, api, metered, unmetered, deficit);
  }
}
