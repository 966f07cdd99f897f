package dev.tokenledger.cli.prices;

import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.ConfigMixin;
import dev.tokenledger.cli.OutputFormat;
import dev.tokenledger.cli.PricesMixin;
import dev.tokenledger.cli.Services;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.pricing.PriceTable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options the {@code prices} subcommands share: configuration, price file, format. */
public final class PriceTableOptions {
  @Mixin ConfigMixin config;

  @Mixin PricesMixin prices;

  @Option(names = "--format", description = "table (default), json or csv.")
  OutputFormat format = OutputFormat.TABLE;

  /** The price table these options name. */
  PriceTable table(CliEnvironment environment) {
    return table(config(environment));
  }

  /** The configuration these options load. */
  TokenLedgerConfig config(CliEnvironment environment) {
    return Services.config(environment, config);
  }

  /** The price table these options name, in {@code configuration}. */
  PriceTable table(TokenLedgerConfig configuration) {
    return prices.table(configuration);
  }
}
