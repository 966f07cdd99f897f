package dev.tokenledger.cli.prices;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerException;
import dev.tokenledger.ledger.SeenModel;
import dev.tokenledger.pricing.PriceCheck;
import dev.tokenledger.pricing.PriceFinding;
import dev.tokenledger.pricing.PriceTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tokenledger prices check [MODEL…]}: prices that are missing or look wrong. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "List models without a price and prices that look wrong: a zero price, a cache-read price",
      "above the input price, a batch or flex price above standard, a priority price below",
      "standard or more than 3 times it. Without MODEL, every model of the table is checked,",
      "and every model the ledger (--db) has seen is looked up: those without a price are",
      "listed with the usage the ledger holds of them. Exits 0 when nothing is found, 1 when",
      "something is."
    })
public final class PricesCheckCommand implements Callable<Integer> {
  @Mixin CommandContext context;
  @Mixin PriceTableOptions options;
  @Mixin LedgerMixin ledgerOptions;

  @Parameters(
      arity = "0..*",
      paramLabel = "MODEL",
      description = "Model names to check (default: every model of the price table).")
  List<String> models = new ArrayList<>();

  @Override
  public Integer call() {
    TokenLedgerConfig config = context.config();
    options.prices.quiet();
    PriceTable table = options.table(config);
    List<String> checked =
        List.copyOf(models.isEmpty() ? table.modelKeys() : new LinkedHashSet<>(models));
    List<PriceFinding> findings = PriceCheck.check(table, checked);
    LedgerModels ledger = models.isEmpty() ? ledgerModels(config, table) : null;
    PrintWriter out = context.out();
    switch (options.format()) {
      case TABLE -> PricesCheckRenderer.table(table, checked, findings, ledger, out);
      case JSON -> PricesCheckRenderer.json(table, checked, findings, ledger, out);
      case CSV -> PricesCheckRenderer.csv(findings, ledger, out);
    }
    out.flush();
    boolean found = !findings.isEmpty() || (ledger != null && !ledger.problems().isEmpty());
    return found ? ExitCode.FAILURE : ExitCode.OK;
  }

  /**
   * The ledger's model names the table does not price; null, with a note, when there is no ledger
   * file (checking never creates one) or it cannot be read.
   */
  private LedgerModels ledgerModels(TokenLedgerConfig config, PriceTable table) {
    PrintWriter err = context.err();
    if (ledgerOptions.missing(context)) {
      err.println(
          "tokenledger: note: no ledger at "
              + ledgerOptions.location(context).displayName()
              + ", so only the price table was checked; name one with --db to check its models");
      err.flush();
      return null;
    }
    try (Ledger ledger = context.openLedger(ledgerOptions)) {
      Map<String, SeenModel> seen = new LinkedHashMap<>();
      ledger.modelsSeen().forEach(m -> seen.put(m.model(), m));
      List<LedgerModels.Problem> problems = new ArrayList<>();
      for (PriceFinding f : PriceCheck.lookups(table, seen.keySet())) {
        problems.add(new LedgerModels.Problem(f, seen.get(f.model())));
      }
      return new LedgerModels(ledger.location().displayName(), seen.size(), problems);
    } catch (LedgerException e) {
      // the table's own findings are still worth printing
      err.println("tokenledger: warning: only the price table was checked: " + e.getMessage());
      err.flush();
      return null;
    }
  }
}
