package dev.tokenledger.cli.shared;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.config.Setting;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.config.UsageKey;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.RetryNotice;
import dev.tokenledger.pricing.PriceTable;
import dev.tokenledger.reconcile.ReconcileSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Builds the core services a command needs from its environment and options, so that commands stay
 * thin and tests reach the same services through the environment they pass.
 */
public final class Services {
  private Services() {}

  /**
   * The reconcile settings of the configuration ({@code TOKENLEDGER_*} or genai-devbench's names),
   * for the commands that say when runs can be final.
   *
   * @throws ConfigurationException for a setting that cannot be used
   */
  public static ReconcileSettings reconcileSettings(TokenLedgerConfig config) {
    try {
      return reconcileSettings(config, null, null, null);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage() + ": check the TOKENLEDGER_* settings");
    }
  }

  /**
   * The settings: the options given, else {@code TOKENLEDGER_*} (or genai-devbench's names for
   * them), else the defaults. {@code run show} and {@code report} use them to say when a run can be
   * final.
   *
   * @throws ConfigurationException for a setting that cannot be read or is out of range
   * @throws IllegalArgumentException for values {@link ReconcileSettings} refuses
   */
  public static ReconcileSettings reconcileSettings(
      TokenLedgerConfig cfg, Duration minAge, Integer stableReads, Duration interval) {
    Duration age = minAge != null ? minAge : duration(cfg, Setting.TOKENLEDGER_MIN_AGE);
    Duration every = interval != null ? interval : duration(cfg, Setting.TOKENLEDGER_INTERVAL);
    if (every.compareTo(TokenLedgerConfig.INTERVAL_FLOOR) < 0) {
      throw new ConfigurationException(
          "TOKENLEDGER_INTERVAL='"
              + cfg.value(Setting.TOKENLEDGER_INTERVAL).orElseThrow()
              + "' is under 1 s: identical reads must be spaced apart to prove anything; set it to"
              + " at least 1s (default 5m)");
    }
    int reads = stableReads != null ? stableReads : stableReadsSetting(cfg);
    return new ReconcileSettings(age, reads, every);
  }

  private static int stableReadsSetting(TokenLedgerConfig cfg) {
    String v = cfg.value(Setting.TOKENLEDGER_STABLE_READS).orElseThrow();
    int reads;
    try {
      reads = Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      reads = 0;
    }
    if (reads < 1) {
      throw new ConfigurationException(
          "TOKENLEDGER_STABLE_READS (or RECONCILIATION_MIN_STABLE_VERIFICATIONS)='"
              + v
              + "' is not a whole number of at least 1: set it to e.g. 3 (the default)");
    }
    return reads;
  }

  private static Duration duration(TokenLedgerConfig cfg, Setting setting) {
    String v = cfg.value(setting).orElseThrow();
    try {
      return TimeConverters.parseDuration(v);
    } catch (CommandLine.TypeConversionException e) {
      throw new ConfigurationException(
          setting.variable() + "='" + v + "' is not a duration: write it as 30s, 10m, 2h or 1d");
    }
  }

  /** A client for the organization endpoints, authenticated with the usage key. */
  public static OpenAiAdminClient adminClient(
      CliEnvironment environment, TokenLedgerConfig config, UsageKey usageKey) {
    return adminClient(environment, config, usageKey, RetryNotice.Listener.NONE);
  }

  /**
   * A client for the organization endpoints that says on {@code err}, one line each, why it waits
   * before a retry: {@code tokenledger: 429 from OpenAI, retry 2 of 5 in 3 s}.
   */
  public static OpenAiAdminClient adminClient(
      CliEnvironment environment, TokenLedgerConfig config, UsageKey usageKey, PrintWriter err) {
    return adminClient(
        environment,
        config,
        usageKey,
        notice -> {
          err.println("tokenledger: " + notice.describe());
          err.flush();
        });
  }

  private static OpenAiAdminClient adminClient(
      CliEnvironment environment,
      TokenLedgerConfig config,
      UsageKey usageKey,
      RetryNotice.Listener retries) {
    return OpenAiAdminClient.builder()
        .baseUrl(config.baseUrl().toString())
        .adminKey(usageKey.key())
        .clock(environment.clock())
        .sleeper(environment.sleeper())
        .retryListener(retries)
        .build();
  }

  /**
   * A client for the organization endpoints when a usage key is configured, else {@code null}: for
   * work that an admin key only improves (resolving key ids while metering).
   */
  public static OpenAiAdminClient adminClientIfConfigured(
      CliEnvironment environment, TokenLedgerConfig config) {
    return config.findUsageKey().map(k -> adminClient(environment, config, k)).orElse(null);
  }

  /**
   * The price table: the packaged snapshot, or the file of {@code --prices} or {@code
   * TOKENLEDGER_PRICES}: a whole LiteLLM file replaces the snapshot, a small override file is laid
   * over it.
   */
  public static PriceTable prices(TokenLedgerConfig config, Path pricesOption) {
    Path file = pricesOption != null ? pricesOption : config.pricesFile().orElse(null);
    return file == null ? PriceFiles.defaultTable() : PriceFiles.load(resolve(config, file));
  }

  /** {@code file} as the user meant it: relative to the configuration's working directory. */
  public static Path resolve(TokenLedgerConfig config, Path file) {
    return config.workingDirectory().resolve(file); // an absolute file stays as it is
  }
}
