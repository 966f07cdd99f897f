package dev.tokenledger.cli.prices;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.FormatMixin;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.PriceHistory;
import dev.tokenledger.ledger.StoredPriceTable;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
  @Mixin CommandContext context;
  @Mixin LedgerMixin ledgerOptions;

  @Mixin FormatMixin format;

  @Override
  public Integer call() {
    TokenLedgerConfig cfg = context.config();
    PrintWriter err = context.err();
    List<StoredPriceTable> versions;
    if (ledgerOptions.missing(context)) {
      // listing must not create a ledger; an absent one has recorded nothing
      err.println(
          "tokenledger: no ledger at "
              + ledgerOptions.location(context).displayName()
              + ": no price table recorded yet");
      versions = List.of();
    } else {
      try (Ledger ledger = context.openLedger(ledgerOptions)) {
        versions = new PriceHistory(ledger).versions();
      }
    }
    PrintWriter out = context.out();
    switch (format.format()) {
      case TABLE -> PricesVersionsRenderer.table(versions, out);
      case JSON -> PricesVersionsRenderer.json(versions, out);
      case CSV -> PricesVersionsRenderer.csv(versions, out);
    }
    out.flush();
    err.flush();
    return 0;
  }
}
