package dev.tokenledger.costs.service;

import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerException;
import dev.tokenledger.ledger.PriceHistory;
import dev.tokenledger.pricing.PriceTable;
import java.util.function.Consumer;

/**
 * Records in the ledger the price table that priced figures now, so they can be priced the same way
 * again ({@code --price-version}). Recording is provenance: a ledger that cannot be written gets a
 * warning and the figures are still shown.
 */
public final class PriceRecording {
  private PriceRecording() {}

  /** Records {@code table} in {@code ledger}, or says on {@code warnings} why it could not. */
  public static void record(Ledger ledger, PriceTable table, Consumer<String> warnings) {
    try {
      new PriceHistory(ledger).record(table);
    } catch (LedgerException e) {
      warnings.accept(
          "the price table was not recorded in the ledger ("
              + e.getMessage()
              + "); these figures cannot be priced again with --price-version");
    }
  }
}
