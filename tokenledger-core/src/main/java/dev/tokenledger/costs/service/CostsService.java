package dev.tokenledger.costs.service;

import dev.tokenledger.ConfigurationException;
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
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.PriceTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What {@code tokenledger costs} does: compares the dollars the Costs API billed with the estimate
 * from usage and prices, either fetching the bill (each read stored in the ledger as it arrives) or
 * from the reads a ledger already holds ({@code --offline}); with the frameworks' names for their
 * key ids and where every figure came from.
 */
public final class CostsService {
  private final TokenLedgerConfig config;
  private final PriceTable prices;
  private final Consumer<String> warnings;

  /**
   * @param config the frameworks' keys and key ids
   * @param prices the table the estimate is priced with (and which is recorded in the ledger)
   * @param warnings where what went wrong but did not stop the comparison is said, one line each
   */
  public CostsService(TokenLedgerConfig config, PriceTable prices, Consumer<String> warnings) {
    this.config = Objects.requireNonNull(config, "config");
    this.prices = Objects.requireNonNull(prices, "prices");
    this.warnings = Objects.requireNonNull(warnings, "warnings");
  }

  /**
   * A comparison, its frameworks' names by key id, and its provenance.
   *
   * @param request the request with the key ids of the frameworks asked for
   */
  public record Outcome(
      CostsRequest request,
      CostsComparison comparison,
      Map<String, String> frameworkNames,
      Provenance provenance) {}

  /**
   * Fetches the bill for {@code request} (restricted to the keys of {@code frameworks} too) and
   * compares; each read is stored in the ledger {@code opener} opens as it arrives, and the price
   * table after them. A ledger that cannot be opened or written is warned about.
   */
  public Outcome fetch(
      CostsRequest request,
      List<String> frameworks,
      OpenAiAdminClient client,
      Clock clock,
      Supplier<Ledger> opener,
      String ledgerName) {
    Map<String, String> names = frameworkNames(client);
    CostsRequest withKeys = withFrameworkKeys(request, frameworks, client);
    try (ReadKeeper keeper = new ReadKeeper(opener, ledgerName, warnings)) {
      List<CostsRead> reads = new CostsFetcher(client, clock).fetch(withKeys, keeper::keep);
      CostsComparison comparison = comparer().compare(withKeys, reads);
      keeper.keepPrices(prices);
      return new Outcome(withKeys, comparison, names, keeper.provenance());
    }
  }

  /**
   * Compares from the newest reads the ledger {@code opener} opens holds that cover {@code
   * request}, asking nothing of the API: frameworks need their key ids configured.
   */
  public Outcome fromLedger(
      CostsRequest request, List<String> frameworks, Supplier<Ledger> opener) {
    Map<String, String> names = frameworkNames(null);
    CostsRequest withKeys = withFrameworkKeys(request, frameworks, null);
    try (Ledger ledger = opener.get()) {
      List<Provenance.Read> reads = new ArrayList<>();
      for (CostsStore.Kept k : ledger.costsStore().newestCovering(CostsFetcher.plan(withKeys))) {
        reads.add(new Provenance.Read(k.id(), k.read()));
      }
      CostsComparison comparison =
          comparer().compare(withKeys, reads.stream().map(Provenance.Read::read).toList());
      PriceRecording.record(ledger, prices, warnings);
      return new Outcome(
          withKeys,
          comparison,
          names,
          new Provenance(ledger.location().displayName(), true, reads));
    }
  }

  private CostComparer comparer() {
    return new CostComparer(new CostCalculator(prices));
  }

  /**
   * The request with the key ids of {@code frameworks} added: configured ids, else resolved through
   * the API; without a client (offline) only configured ids can be used.
   */
  private CostsRequest withFrameworkKeys(
      CostsRequest request, List<String> frameworks, OpenAiAdminClient client) {
    if (frameworks.isEmpty()) {
      return request;
    }
    List<String> ids = new ArrayList<>(request.apiKeyIds());
    KeyIdResolver resolver = client == null ? null : new KeyIdResolver(client);
    for (String f : frameworks) {
      FrameworkKey key = config.frameworkKey(f);
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
  private Map<String, String> frameworkNames(OpenAiAdminClient client) {
    Map<String, String> names = new LinkedHashMap<>();
    KeyIdResolver resolver = client == null ? null : new KeyIdResolver(client);
    boolean listingRefused = false;
    for (FrameworkKey fw : config.frameworkKeys()) {
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
        warnings.accept(e.getMessage());
      } catch (KeyRefusedException e) {
        listingRefused = true;
        warnings.accept(
            "cannot list the organization's keys to name frameworks ("
                + e.getMessage()
                + "); set OPENAI_API_KEY_<FW>_ID to show framework names");
      }
    }
    return names;
  }
}
