package dev.tokenledger.cli.prices;

import dev.tokenledger.cli.shared.FormatMixin;
import dev.tokenledger.cli.shared.OutputFormat;
import dev.tokenledger.cli.shared.PricesMixin;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.pricing.PriceTable;
import picocli.CommandLine.Mixin;

/** The options the {@code prices} subcommands share: price file and format. */
public final class PriceTableOptions {
  @Mixin PricesMixin prices;

  @Mixin FormatMixin format;

  /** The format asked for. */
  OutputFormat format() {
    return format.format();
  }

  /** The price table these options name, in {@code configuration}. */
  PriceTable table(TokenLedgerConfig configuration) {
    return prices.table(configuration);
  }
}
