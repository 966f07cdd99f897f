package dev.tokenledger.ledger;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.pricing.PriceTable;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The price tables a ledger's figures were priced with: each table is recorded whole the first time
 * it prices a figure, so that any later report can be priced again with it by naming its version.
 * Kept with the ledger (not in {@code pricing}, which is pure) because it reads and writes it.
 */
public final class PriceHistory {
  private final Ledger ledger;

  public PriceHistory(Ledger ledger) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
  }

  /** Records that {@code table} priced figures now (kept whole the first time). */
  public void record(PriceTable table) {
    ledger
        .priceTables()
        .recordUse(table.version(), table.source(), table.pricedModels(), table::toJson);
  }

  /** The tables recorded, most recently first used first, without their entries. */
  public List<StoredPriceTable> versions() {
    return ledger.priceTables().list();
  }

  /**
   * The recorded table {@code version} names: its whole version, a prefix of its own (last) hash,
   * or another part of it, of at least six characters, that names no other recorded version.
   *
   * @throws ConfigurationException when no recorded table, or more than one, matches
   */
  public PriceTable table(String version) {
    List<StoredPriceTable> found = ledger.priceTables().matching(version);
    if (found.isEmpty()) {
      throw new ConfigurationException(
          "price version '"
              + version
              + "' is not recorded in the ledger "
              + ledger.location().displayName()
              + ": `tokenledger prices versions` lists the recorded ones");
    }
    if (found.size() > 1) {
      throw new ConfigurationException(
          "price version '"
              + version
              + "' matches "
              + found.size()
              + " recorded versions ("
              + found.stream().map(StoredPriceTable::version).collect(Collectors.joining(", "))
              + "): give more of it");
    }
    StoredPriceTable stored = found.get(0);
    return PriceTable.restore(stored.version(), stored.source(), stored.content());
  }
}
