package dev.tokenledger.report;

import dev.tokenledger.Require;
import java.util.Optional;

/**
 * The per-run figures of one framework a paper cites: statistics of total tokens per run and of
 * cost per run.
 *
 * @param tokensPerRun over every run of the framework
 * @param costPerRun over the runs whose cost is fully priced; empty when none is
 * @param runsNotPriced runs left out of {@code costPerRun} because a model had no price
 */
public record FrameworkStatistics(
    String framework,
    RunStatistics tokensPerRun,
    Optional<RunStatistics> costPerRun,
    int runsNotPriced) {

  public FrameworkStatistics {
    Require.nonNull("framework tokensPerRun costPerRun", framework, tokensPerRun, costPerRun);
  }
}
