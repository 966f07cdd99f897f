package dev.tokenledger.costs.service;

import dev.tokenledger.costs.CostsRead;
import dev.tokenledger.ledger.CostsStore;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerException;
import dev.tokenledger.pricing.PriceTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Stores each read of {@code tokenledger costs} in the ledger as soon as it arrives. Storing is
 * provenance, not the command's purpose: when the ledger cannot be opened or written, it warns once
 * and the comparison is still shown.
 */
final class ReadKeeper implements AutoCloseable {
  private final Consumer<String> warnings;
  private final String ledgerName;
  private final List<Provenance.Read> reads = new ArrayList<>();
  private Ledger ledger;
  private CostsStore store;
  private boolean complete = true;

  /** Opens the ledger from {@code opener}; a ledger that cannot be opened is warned about. */
  ReadKeeper(Supplier<Ledger> opener, String ledgerName, Consumer<String> warnings) {
    this.warnings = warnings;
    this.ledgerName = ledgerName;
    try {
      ledger = opener.get();
      store = ledger.costsStore();
    } catch (LedgerException e) {
      giveUp(e);
    }
  }

  /** Stores {@code read}, or only remembers it when the ledger is not writable. */
  void keep(CostsRead read) {
    Long id = null;
    if (store != null) {
      try {
        id = store.store(read);
      } catch (LedgerException e) {
        giveUp(e);
      }
    }
    reads.add(new Provenance.Read(id, read));
  }

  /** Records the price table the comparison is estimated with, when the ledger is writable. */
  void keepPrices(PriceTable table) {
    if (store != null) {
      PriceRecording.record(ledger, table, warnings);
    }
  }

  /** The reads kept so far and where. */
  Provenance provenance() {
    return new Provenance(complete ? ledgerName : null, false, reads);
  }

  private void giveUp(LedgerException e) {
    complete = false;
    store = null;
    warnings.accept(
        "the reads of this comparison are not stored in the ledger ("
            + e.getMessage()
            + "); the figures below cannot be traced or shown again with --offline");
  }

  @Override
  public void close() {
    if (ledger != null) {
      ledger.close();
    }
  }
}
