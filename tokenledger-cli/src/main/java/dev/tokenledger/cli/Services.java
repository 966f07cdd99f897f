package dev.tokenledger.cli;

import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.config.UsageKey;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.pricing.PriceTable;
import java.nio.file.Path;

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

  /** A client for the organization endpoints, authenticated with the usage key. */
  public static OpenAiAdminClient adminClient(
      CliEnvironment environment, TokenLedgerConfig config, UsageKey usageKey) {
    return OpenAiAdminClient.builder()
        .baseUrl(config.baseUrl().toString())
        .adminKey(usageKey.key())
        .clock(environment.clock())
        .sleeper(environment.sleeper())
        .build();
  }

  /**
   * The price table: the packaged snapshot, with the file of {@code --prices} or {@code
   * TOKENLEDGER_PRICES} merged over it when one is given.
   */
  public static PriceTable prices(TokenLedgerConfig config, Path pricesOption) {
    Path file = pricesOption != null ? pricesOption : config.pricesFile().orElse(null);
    PriceTable table = PriceTable.defaultTable();
    return file == null ? table : table.withOverrides(resolve(config, file));
  }

  private static Path resolve(TokenLedgerConfig config, Path file) {
    return file.isAbsolute() ? file : config.workingDirectory().resolve(file);
  }
}
