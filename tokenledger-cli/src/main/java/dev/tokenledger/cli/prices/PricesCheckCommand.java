package dev.tokenledger.cli.prices;

import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.ExitCode;
import dev.tokenledger.pricing.PriceCheck;
import dev.tokenledger.pricing.PriceFinding;
import dev.tokenledger.pricing.PriceTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokenledger prices check [MODEL…]}: prices that are missing or look wrong. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "List models without a price and prices that look wrong: a zero price, a cache-read price",
      "above the input price, a batch or flex price above standard, a priority price below",
      "standard or more than 3 times it. Without MODEL, every model of the table is checked.",
      "Exits 0 when nothing is found, 1 when something is."
    })
public final class PricesCheckCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec CommandSpec spec;
  @Mixin PriceTableOptions options;

  @Parameters(
      arity = "0..*",
      paramLabel = "MODEL",
      description = "Model names to check (default: every model of the price table).")
  List<String> models = new ArrayList<>();

  public PricesCheckCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    PriceTable table = options.table(environment);
    List<String> checked =
        List.copyOf(models.isEmpty() ? table.modelKeys() : new LinkedHashSet<>(models));
    List<PriceFinding> findings = PriceCheck.check(table, checked);
    PrintWriter out = spec.commandLine().getOut();
    switch (options.format) {
      case TABLE -> PricesCheckRenderer.table(table, checked, findings, out);
      case JSON -> PricesCheckRenderer.json(table, checked, findings, out);
      case CSV -> PricesCheckRenderer.csv(findings, out);
    }
    out.flush();
    return findings.isEmpty() ? ExitCode.OK : ExitCode.FAILURE;
  }
}
