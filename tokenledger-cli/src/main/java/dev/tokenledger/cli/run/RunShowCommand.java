package dev.tokenledger.cli.run;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.FormatMixin;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.cli.shared.OutputFormat;
import dev.tokenledger.cli.shared.ReconciliationView;
import dev.tokenledger.cli.shared.Services;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.ProvenanceStore.Reconciliation;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.SettleForecast;
import dev.tokenledger.report.MeteredRun;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tokenledger run show ID}: one run, its steps, and their reconciled figures. */
@Command(
    name = "show",
    description = "Show a run and its steps.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class RunShowCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ID", description = "The run's id, as 'run list' shows it.")
  String runId;

  @Mixin FormatMixin format;

  @Mixin CommandContext context;

  @Mixin LedgerMixin ledgerOptions;

  @Override
  public Integer call() {
    OutputFormat shown =
        format.tableOrJson("run show prints table or json; for CSV use 'run list --format csv'");
    TokenLedgerConfig config = context.config();
    PrintWriter out = context.out();
    try (Ledger ledger = context.openExistingLedger(ledgerOptions)) {
      RunRecord run = ledger.run(runId);
      Reconciliation reconciled = ledger.provenanceStore().reconciliation(runId).orElseThrow();
      Optional<MeteredRun> metered = MeteredRun.read(ledger, runId);
      String failure = ledger.meterStore().meterFailure(runId).orElse(null);
      if (shown == OutputFormat.JSON) {
        RunRenderer.showJson(
            run,
            ledger.steps(runId),
            ReconciliationView.json(reconciled, run.metered()),
            MeteringView.json(run, metered, failure),
            out);
      } else {
        RunRenderer.showTable(run, ledger.steps(runId), out);
        MeteringView.table(run, metered, failure, out);
        ReconciliationView.table(reconciled, run.metered(), out);
        ReconcileSettings settings = Services.reconcileSettings(config);
        Instant now = context.now();
        SettleForecast.footer(
                new SettleForecast(ledger.settlementStore(), settings)
                    .earliestFinal(List.of(runId), now),
                settings,
                now)
            .ifPresent(out::println);
      }
    }
    out.flush();
    return 0;
  }
}
