package dev.tokenledger.cli.run;

import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.ConfigMixin;
import dev.tokenledger.cli.LedgerMixin;
import dev.tokenledger.cli.OutputFormat;
import dev.tokenledger.cli.Services;
import dev.tokenledger.cli.reconcile.ReconciliationView;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokenledger run show ID}: one run, its steps, and their reconciled figures. */
@Command(
    name = "show",
    description = "Show a run and its steps.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class RunShowCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ID", description = "The run's id, as 'run list' shows it.")
  String runId;

  @Option(names = "--format", paramLabel = "FORMAT", description = "table or json. Default: table.")
  OutputFormat format = OutputFormat.TABLE;

  @Mixin ConfigMixin configOptions;

  @Mixin LedgerMixin ledgerOptions;

  public RunShowCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (format == OutputFormat.CSV) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "run show prints table or json; for CSV use 'run list --format csv'");
    }
    TokenLedgerConfig config = Services.config(environment, configOptions);
    PrintWriter out = spec.commandLine().getOut();
    try (Ledger ledger =
        ledgerOptions.openExisting(environment, config, spec.commandLine().getErr())) {
      RunRecord run = ledger.run(runId);
      Reconciliation reconciled = ledger.provenanceStore().reconciliation(runId).orElseThrow();
      Optional<MeteredRun> metered = MeteredRun.read(ledger, runId);
      String failure = ledger.meterStore().meterFailure(runId).orElse(null);
      if (format == OutputFormat.JSON) {
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
        Services.printSettingWarnings(config, spec.commandLine().getErr());
        ReconcileSettings settings = Services.reconcileSettings(config);
        Instant now = environment.clock().instant();
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
