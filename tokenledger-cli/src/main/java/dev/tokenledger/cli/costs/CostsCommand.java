package dev.tokenledger.cli.costs;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.ConfigMixin;
import dev.tokenledger.cli.LedgerMixin;
import dev.tokenledger.cli.OutputFormat;
import dev.tokenledger.cli.PricesMixin;
import dev.tokenledger.cli.Services;
import dev.tokenledger.cli.WindowOptions;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.costs.CostComparer;
import dev.tokenledger.costs.CostsComparison;
import dev.tokenledger.costs.CostsFetcher;
import dev.tokenledger.costs.CostsRead;
import dev.tokenledger.costs.CostsRequest;
import dev.tokenledger.keys.KeyIdResolver;
import dev.tokenledger.ledger.CostsStore;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.PriceTable;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
  private final CliEnvironment environment;

  @Spec CommandSpec spec;
  @Mixin ConfigMixin config;

  @Mixin LedgerMixin ledgerOptions;

  @Mixin WindowOptions window;

  @Option(
      names = "--offline",
      description =
          "Show the comparison from the newest reads in the ledger that cover the window,"
              + " without asking the API.")
  boolean offline;

  @Option(
      names = "--framework",
      split = ",",
      description = "Only these frameworks' keys (OPENAI_API_KEY_<FW>, id set or resolved).")
  List<String> frameworks = new ArrayList<>();

  @Option(names = "--api-key-id", split = ",", description = "Only these key ids (key_…).")
  List<String> apiKeyIds = new ArrayList<>();

  @Option(names = "--project", split = ",", description = "Only these project ids (proj_…).")
  List<String> projects = new ArrayList<>();

  @Option(
      names = "--tolerance",
      paramLabel = "PERCENT",
      description = "Flag a key's day whose estimate differs from the bill by more: 2%% (default).")
  String tolerance = "2%";

  @Mixin PricesMixin prices;

  @Option(names = "--format", description = "table (default), json or csv.")
  OutputFormat format = OutputFormat.TABLE;

  public CostsCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    CostsRequest request = request();
    TokenLedgerConfig cfg = Services.config(environment, config);
    PrintWriter err = spec.commandLine().getErr();
    Services.printWarnings(cfg, err);
    PriceTable table = prices.table(cfg);
    CostComparer comparer = new CostComparer(new CostCalculator(table));
    CostsComparison comparison;
    Provenance provenance;
    Map<String, String> names;
    if (offline) {
      names = frameworkNames(cfg, null, err);
      request = withFrameworkKeys(request, cfg, null);
      if (ledgerOptions.missing(environment, cfg)) {
        throw new ConfigurationException(
            "there is no ledger at "
                + ledgerOptions.location(environment, cfg).displayName()
                + " to show costs from; run 'tokenledger costs' without --offline first, or name"
                + " the ledger with --db");
      }
      try (Ledger ledger = ledgerOptions.open(environment, cfg, err)) {
        List<Provenance.Read> reads = new ArrayList<>();
        for (CostsStore.Kept k : ledger.costsStore().newestCovering(CostsFetcher.plan(request))) {
          reads.add(new Provenance.Read(k.id(), k.read()));
        }
        comparison = comparer.compare(request, reads.stream().map(Provenance.Read::read).toList());
        Services.recordPrices(ledger, table, err);
        provenance = new Provenance(ledger.location().displayName(), true, reads);
      }
    } else {
      LedgerLocation location = ledgerOptions.location(environment, cfg);
      OpenAiAdminClient client = Services.adminClient(environment, cfg, cfg.usageKey());
      names = frameworkNames(cfg, client, err);
      request = withFrameworkKeys(request, cfg, client);
      try (ReadKeeper keeper =
          new ReadKeeper(
              () -> ledgerOptions.open(environment, cfg, err), location.displayName(), err)) {
        List<CostsRead> reads =
            new CostsFetcher(client, environment.clock()).fetch(request, keeper::keep);
        comparison = comparer.compare(request, reads);
        keeper.keepPrices(table);
        provenance = keeper.provenance();
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case TABLE -> CostsTableRenderer.render(comparison, names, provenance, out);
      case JSON -> CostsJsonRenderer.render(comparison, names, provenance, out);
      case CSV -> CostsCsvRenderer.render(comparison, names, out);
    }
    out.flush();
    long flagged = comparison.rows().stream().filter(r -> r.flagged()).count();
    if (flagged > 0 && format != OutputFormat.TABLE) {
      err.println(
          "tokenledger: warning: "
              + flagged
              + (flagged == 1 ? " key-day differs" : " key-days differ")
              + " from the bill by more than "
              + CostsTableRenderer.percent(request.tolerance())
              + "; see the causes in the output");
    }
    err.flush();
    return 0;
  }

  /**
   * The request with the key ids of {@code --framework} added: configured ids, else resolved
   * through the API; without a client (offline) only configured ids can be used.
   */
  private CostsRequest withFrameworkKeys(
      CostsRequest request, TokenLedgerConfig cfg, OpenAiAdminClient client) {
    if (frameworks.isEmpty()) {
      return request;
    }
    List<String> ids = new ArrayList<>(request.apiKeyIds());
    KeyIdResolver resolver = client == null ? null : new KeyIdResolver(client);
    for (String f : frameworks) {
      FrameworkKey key = cfg.frameworkKey(f);
      if (resolver != null) {
        ids.add(resolver.keyId(key));
      } else {
        ids.add(
            key.keyId()
                .orElseThrow(
                    () ->
                        new ConfigurationException(
                            "--offline cannot look up the key id of framework "
                                + f
                                + " (that asks the API): set "
                                + key.keyIdVariable()
                                + ", or give --api-key-id")));
      }
    }
    return new CostsRequest(
        request.start(), request.end(), ids, request.projectIds(), request.tolerance());
  }

  /**
   * Framework names by key id: configured ids, and those the key listing resolves (none without a
   * client). A key that cannot be resolved keeps its id in the output, with a warning.
   */
  private static Map<String, String> frameworkNames(
      TokenLedgerConfig cfg, OpenAiAdminClient client, PrintWriter err) {
    Map<String, String> names = new LinkedHashMap<>();
    KeyIdResolver resolver = client == null ? null : new KeyIdResolver(client);
    boolean listingRefused = false;
    for (FrameworkKey fw : cfg.frameworkKeys()) {
      if (fw.keyId().isPresent()) {
        names.put(fw.keyId().get(), fw.name());
        continue;
      }
      if (listingRefused || client == null) {
        continue;
      }
      try {
        names.put(resolver.keyId(fw), fw.name());
      } catch (ConfigurationException e) {
        err.println("tokenledger: warning: " + e.getMessage());
      } catch (KeyRefusedException e) {
        listingRefused = true;
        err.println(
            "tokenledger: warning: cannot list the organization's keys to name frameworks ("
                + e.getMessage()
                + "); set OPENAI_API_KEY_<FW>_ID to show framework names");
      }
    }
    return names;
  }

  private CostsRequest request() {
    WindowOptions.Window w = window.window(environment.clock().instant(), Duration.ofDays(7));
    Instant start = w.start();
    Instant end = w.end();
    try {
      return new CostsRequest(start, end, apiKeyIds, projects, parseTolerance(tolerance));
    } catch (IllegalArgumentException e) {
      throw usageError(e.getMessage());
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
      throw usageError("--tolerance '" + text + "' is not a percentage: write it as 2% or 0.5%");
    }
  }

  private CommandLine.ParameterException usageError(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
