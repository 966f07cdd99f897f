package dev.tokenledger.cli.prices;

import dev.tokenledger.ledger.SeenModel;
import dev.tokenledger.pricing.PriceFinding;
import java.util.List;

/**
 * What {@code prices check} found in the ledger: where it is, how many model names it has seen, and
 * those the price table does not price (or prices only as their base model), each with what the
 * ledger holds of it.
 */
record LedgerModels(String location, int modelsSeen, List<Problem> problems) {
  LedgerModels {
    problems = List.copyOf(problems);
  }

  /** A model name's lookup problem and what the ledger holds of that model. */
  record Problem(PriceFinding finding, SeenModel seen) {}
}
