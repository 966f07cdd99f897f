package dev.tokenledger.cli.costs;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.FormatMixin;
import dev.tokenledger.cli.shared.KeyFilterMixin;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.cli.shared.PricesMixin;
import dev.tokenledger.cli.shared.WindowMixin;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.costs.CostsComparison;
import dev.tokenledger.costs.CostsRequest;
import dev.tokenledger.costs.service.CostsService;
import dev.tokenledger.ledger.Ledger;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tokenledger costs}: billed dollars from the Costs API beside the estimate. */
@Command(
    name = "costs",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Compare the dollars the Costs API billed with the estimate from usage and prices.",
      "The window: --since (default 7d) or --from/--to, widened to whole UTC days.",
      "Per key and day: billed dollars, dollars estimated from the Usage API's tokens and the",
      "price table, their difference and its ratio. A difference",
      "above --tolerance is flagged with the likely causes that can be seen (unpriced models,",
      "batch/flex/priority usage, a billed rate per token that is not the table's).",
      "Every read is stored in the ledger (--db), so each figure can be traced to the reads",
      "behind it; --offline shows a comparison again from them."
    })
public final class CostsCommand implements Callable<Integer> {
  @Mixin CommandContext context;

  @Mixin LedgerMixin ledgerOptions;

  @Mixin WindowMixin window;

  @Option(
      names = "--offline",
      description =
          "Show the comparison from the newest reads in the ledger that cover the window,"
              + " without asking the API.")
  boolean offline;

  @Mixin KeyFilterMixin keys;

  @Option(
      names = "--tolerance",
      paramLabel = "PERCENT",
      description = "Flag a key's day whose estimate differs from the bill by more: 2%% (default).")
  String tolerance = "2%";

  @Mixin PricesMixin prices;

  @Mixin FormatMixin format;

  @Override
  public Integer call() {
    CostsRequest request = request();
    TokenLedgerConfig cfg = context.config();
    CostsService service = new CostsService(cfg, prices.table(cfg), context::warn);
    CostsService.Outcome outcome;
    if (offline) {
      outcome = service.fromLedger(request, keys.frameworks(), this::openForOffline);
    } else {
      outcome =
          service.fetch(
              request,
              keys.frameworks(),
              context.adminClient(),
              context.environment().clock(),
              () -> context.openLedger(ledgerOptions),
              ledgerOptions.location(context).displayName());
    }
    CostsComparison comparison = outcome.comparison();
    PrintWriter out = context.out();
    switch (format.format()) {
      case TABLE ->
          CostsTableRenderer.render(
              comparison, outcome.frameworkNames(), outcome.provenance(), out);
      case JSON ->
          CostsJsonRenderer.render(comparison, outcome.frameworkNames(), outcome.provenance(), out);
      case CSV -> CostsCsvRenderer.render(comparison, outcome.frameworkNames(), out);
    }
    out.flush();
    long flagged = comparison.rows().stream().filter(r -> r.flagged()).count();
    if (flagged > 0 && format.forPrograms()) {
      context.warn(
          flagged
              + (flagged == 1 ? " key-day differs" : " key-days differ")
              + " from the bill by more than "
              + CostsTableRenderer.percent(request.tolerance())
              + "; see the causes in the output");
    }
    return 0;
  }

  /** The ledger {@code --offline} reads: one that does not exist has nothing to show. */
  private Ledger openForOffline() {
    if (ledgerOptions.missing(context)) {
      throw new ConfigurationException(
          "there is no ledger at "
              + ledgerOptions.location(context).displayName()
              + " to show costs from; run 'tokenledger costs' without --offline first, or name"
              + " the ledger with --db");
    }
    return context.openLedger(ledgerOptions);
  }

  private CostsRequest request() {
    WindowMixin.Window w = window.bounded(context.now(), Duration.ofDays(7));
    try {
      return new CostsRequest(
          w.start(), w.end(), keys.apiKeyIds(), keys.projects(), parseTolerance(tolerance));
    } catch (IllegalArgumentException e) {
      throw context.usageError(e.getMessage());
    }
  }

  private BigDecimal parseTolerance(String text) {
    String t = text.strip();
    if (t.endsWith("%")) {
      t = t.substring(0, t.length() - 1).strip();
    }
    try {
      BigDecimal percent = new BigDecimal(t);
      if (percent.signum() < 0) {
        throw new NumberFormatException();
      }
      return percent.movePointLeft(2);
    } catch (NumberFormatException e) {
      throw context.usageError(
          "--tolerance '" + text + "' is not a percentage: write it as 2% or 0.5%");
    }
  }
}
