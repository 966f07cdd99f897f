package dev.tokenledger.cli;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.cli.reconcile.ReconcileCommand;
import dev.tokenledger.config.ConfigWarning;
import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.config.UsageKey;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerException;
import dev.tokenledger.ledger.PriceHistory;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.RetryNotice;
import dev.tokenledger.pricing.PriceTable;
import dev.tokenledger.reconcile.ReconcileSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Builds the core services a command needs from its environment and options, so that commands stay
 * thin and tests reach the same services through the environment they pass.
 */
public final class Services {
  private Services() {}

  /** The configuration: {@code .env} overlaid by the environment's variables. */
  public static TokenLedgerConfig config(CliEnvironment environment, ConfigMixin options) {
    return TokenLedgerConfig.load(
        environment.variables(), environment.workingDirectory(), options.options());
  }

  /**
   * Prints the configuration's warnings that matter (not the merely informative ones) on {@code
   * err}, one line each with its fix.
   */
  public static void printWarnings(TokenLedgerConfig config, PrintWriter err) {
    for (ConfigWarning w : config.warnings()) {
      if (w.severity() != ConfigWarning.Severity.INFO) {
        err.println("tokenledger: warning: " + w.message() + "; " + w.fix());
      }
    }
    err.flush();
  }

  /**
   * Prints the warnings about the reconcile settings (a genai-devbench value raised to
   * tokenledger's floor) for the commands that use them but not the keys.
   */
  public static void printSettingWarnings(TokenLedgerConfig config, PrintWriter err) {
    for (ConfigWarning w : config.warnings()) {
      if (w.kind() == ConfigWarning.Kind.SETTING_RAISED) {
        err.println("tokenledger: warning: " + w.message() + "; " + w.fix());
      }
    }
    err.flush();
  }

  /**
   * The reconcile settings of the configuration ({@code TOKENLEDGER_*} or genai-devbench's names),
   * for the commands that say when runs can be final; their warnings are printed by {@link
   * #printSettingWarnings}.
   *
   * @throws ConfigurationException for a setting that cannot be used
   */
  public static ReconcileSettings reconcileSettings(TokenLedgerConfig config) {
    try {
      return ReconcileCommand.settings(config, null, null, null);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage() + ": check the TOKENLEDGER_* settings");
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

  /**
   * Records in the ledger that {@code table} priced figures now, so that they can be priced the
   * same way again with {@code --price-version}. A ledger that cannot be written gets a warning:
   * the figures are still shown.
   */
  public static void recordPrices(Ledger ledger, PriceTable table, PrintWriter err) {
    try {
      new PriceHistory(ledger).record(table);
    } catch (LedgerException e) {
      err.println(
          "tokenledger: warning: the price table was not recorded in the ledger ("
              + e.getMessage()
              + "); these figures cannot be priced again with --price-version");
      err.flush();
    }
  }

  /** {@code file} as the user meant it: relative to the configuration's working directory. */
  public static Path resolve(TokenLedgerConfig config, Path file) {
    return config.workingDirectory().resolve(file); // an absolute file stays as it is
  }

  /**
   * Blocks a serving command ({@code sim}, {@code proxy}) until the JVM is asked to stop (Ctrl-C,
   * kill), then closes {@code resources} in order, each even if one before it failed.
   */
  public static void serveUntilStopped(String name, AutoCloseable... resources)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    for (AutoCloseable r : resources) {
                      try {
                        r.close();
                      } catch (Exception e) {
                        // stopping anyway: the next resource still gets closed
                      }
                    }
                  } finally {
                    stopped.countDown();
                  }
                },
                "tokenledger-" + name + "-stop"));
    stopped.await();
  }
}
