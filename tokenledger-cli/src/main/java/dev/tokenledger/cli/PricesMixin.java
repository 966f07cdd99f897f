package dev.tokenledger.cli;

import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.pricing.PriceTable;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The option of every command that prices tokens ({@code --prices}), and loading its table. */
public final class PricesMixin {
  @Option(
      names = "--prices",
      paramLabel = "FILE",
      description =
          "A LiteLLM price file or override file (default: TOKENLEDGER_PRICES, else the"
              + " built-in snapshot).")
  Path file;

  /** Whether {@code --prices} was given. */
  public boolean given() {
    return file != null;
  }

  /** The price table {@code --prices} names, else the configuration's, else the snapshot. */
  public PriceTable table(TokenLedgerConfig config) {
    return Services.prices(config, file);
  }
}
