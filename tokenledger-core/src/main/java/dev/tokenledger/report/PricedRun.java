package dev.tokenledger.report;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.pricing.CostTotal;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A run's reconciled figures with their cost recomputed now from the price table.
 *
 * @param tokens the run's reconciled tokens
 * @param cost the cost of the run's usage lines
 * @param cacheSavings what the cached input saved against pricing it uncached, over priced lines
 * @param models the models the run's usage lines name, sorted
 * @param reconciledAt when the attempt the figures come from was made
 */
public record PricedRun(
    RunRecord run,
    TokenCounts tokens,
    CostTotal cost,
    BigDecimal cacheSavings,
    List<String> models,
    Instant reconciledAt) {

  public PricedRun {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(cost, "cost");
    Objects.requireNonNull(cacheSavings, "cacheSavings");
    models = List.copyOf(models);
    Objects.requireNonNull(reconciledAt, "reconciledAt");
  }
}
