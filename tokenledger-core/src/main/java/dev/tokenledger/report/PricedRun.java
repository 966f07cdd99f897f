package dev.tokenledger.report;

import dev.tokenledger.Require;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.pricing.CostTotal;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A run's reconciled figures with their cost recomputed now from the price table.
 *
 * @param tokens the run's reconciled tokens
 * @param cost the cost of the run's usage lines
 * @param cacheSavings what the cached input saved against pricing it uncached, over priced lines
 * @param models the run's usage per model, most tokens (input plus output) first, then by name
 * @param reconciledAt when the attempt the figures come from was made
 */
record PricedRun(
    RunRecord run,
    TokenCounts tokens,
    CostTotal cost,
    BigDecimal cacheSavings,
    List<ModelUsage> models,
    Instant reconciledAt) {

  public PricedRun {
    Require.nonNull(
        "run tokens cost cacheSavings reconciledAt", run, tokens, cost, cacheSavings, reconciledAt);
    models = List.copyOf(models);
  }

  /**
   * One model's share of a run.
   *
   * @param model the model as the Usage API names it, or {@link ReportBuilder#NO_MODEL}
   * @param cost its cost, UNPRICED when the table has no price for it
   */
  public record ModelUsage(String model, TokenCounts tokens, CostTotal cost) {
    public ModelUsage {
      Require.nonNull("model tokens cost", model, tokens, cost);
    }
  }

  /** The named model with the most tokens; empty when no usage line names a model. */
  public Optional<String> mainModel() {
    return models.stream()
        .map(ModelUsage::model)
        .filter(m -> !ReportBuilder.NO_MODEL.equals(m))
        .findFirst();
  }
}
