package dev.tokenledger.cli.shared;

import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.pricing.PriceTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  private boolean quiet;

  /**
   * The price table {@code --prices} names, else the configuration's, else the snapshot; its
   * implausible prices (a per-1M price in a per-token field, cached above input) are warned about
   * on stderr, since every figure priced with them is wrong.
   */
  public PriceTable table(TokenLedgerConfig config) {
    PriceTable table = Services.prices(config, file);
    List<String> implausible = quiet ? List.of() : table.implausiblePrices();
    if (!implausible.isEmpty()) {
      PrintWriter err = mixee.commandLine().getErr();
      err.println(
          "tokenledger: warning: the price table "
              + table.source()
              + " has "
              + (implausible.size() == 1
                  ? "a price that cannot be right: "
                  : "prices that cannot be right: ")
              + String.join("; ", implausible.subList(0, Math.min(3, implausible.size())))
              + (implausible.size() > 3 ? "; and " + (implausible.size() - 3) + " more" : "")
              + "; per-token fields take USD per token (0.00000015, not 0.15): run tokenledger"
              + " prices check, and correct the file");
      err.flush();
    }
    return table;
  }

  /** Leaves the warning to the caller ({@code prices check} lists each price as a finding). */
  public PricesMixin quiet() {
    quiet = true;
    return this;
  }
}
