package dev.tokenledger.cli.prices;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.pricing.PriceCheck;
import dev.tokenledger.pricing.PriceTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tokenledger prices show MODEL…}: the price entry a model name is priced from. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show the prices a model is costed at: the table entry, the lookup rule that found it,",
      "its prices per million tokens in every tier, and the price table's version.",
      "Exits 1 when a model has no price (its usage would be UNPRICED)."
    })
public final class PricesShowCommand implements Callable<Integer> {
  @Mixin CommandContext context;
  @Mixin PriceTableOptions options;

  @Parameters(
      arity = "1..*",
      paramLabel = "MODEL",
      description = "Model names as the Usage API reports them, e.g. gpt-4o-mini-2024-07-18.")
  List<String> models = new ArrayList<>();

  @Override
  public Integer call() {
    PriceTable table = options.table(context.config());
    List<ShownPrice> shown = new ArrayList<>();
    for (String model : new LinkedHashSet<>(models)) {
      shown.add(new ShownPrice(model, table.lookup(model)));
    }
    PrintWriter out = context.out();
    switch (options.format()) {
      case TABLE -> PricesShowRenderer.table(table, shown, out);
      case JSON -> PricesShowRenderer.json(table, shown, out);
      case CSV -> PricesShowRenderer.csv(table, shown, out);
    }
    out.flush();
    List<String> unpriced =
        shown.stream().filter(s -> s.match().isEmpty()).map(ShownPrice::model).toList();
    if (unpriced.isEmpty()) {
      return ExitCode.OK;
    }
    PriceCheck.check(table, unpriced).forEach(f -> context.warn(f.message()));
    return ExitCode.FAILURE;
  }
}
