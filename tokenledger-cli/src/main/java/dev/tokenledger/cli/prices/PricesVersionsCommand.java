package dev.tokenledger.cli.prices;

import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.ConfigMixin;
import dev.tokenledger.cli.LedgerMixin;
import dev.tokenledger.cli.OutputFormat;
import dev.tokenledger.cli.Services;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.PriceHistory;
import dev.tokenledger.ledger.StoredPriceTable;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokenledger prices versions}: the price tables the ledger's reports were priced with. */
@Command(
    name = "versions",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "List the price tables this ledger's reports were priced with, newest first.",
      "Each is kept whole: report --price-version VERSION prices a report with it again."
    })
public final class PricesVersionsCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec CommandSpec spec;
  @Mixin ConfigMixin config;
  @Mixin LedgerMixin ledgerOptions;

  @Option(names = "--format", description = "table (default), json or csv.")
  OutputFormat format = OutputFormat.TABLE;

  public PricesVersionsCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    TokenLedgerConfig cfg = Services.config(environment, config);
    PrintWriter err = spec.commandLine().getErr();
    Services.printWarnings(cfg, err);
    List<StoredPriceTable> versions;
    if (ledgerOptions.missing(environment, cfg)) {
      // listing must not create a ledger; an absent one has recorded nothing
      err.println(
          "tokenledger: no ledger at "
              + ledgerOptions.location(environment, cfg).displayName()
              + ": no price table recorded yet");
      versions = List.of();
    } else {
      try (Ledger ledger = ledgerOptions.open(environment, cfg, err)) {
        versions = new PriceHistory(ledger).versions();
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case TABLE -> PricesVersionsRenderer.table(versions, out);
      case JSON -> PricesVersionsRenderer.json(versions, out);
      case CSV -> PricesVersionsRenderer.csv(versions, out);
    }
    out.flush();
    err.flush();
    return 0;
  }
}
