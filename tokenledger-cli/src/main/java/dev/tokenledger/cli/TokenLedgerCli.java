package dev.tokenledger.cli;

import dev.tokenledger.cli.costs.CostsCommand;
import dev.tokenledger.cli.demo.DemoCommand;
import dev.tokenledger.cli.doctor.DoctorCommand;
import dev.tokenledger.cli.imports.ImportCommand;
import dev.tokenledger.cli.prices.PricesCommand;
import dev.tokenledger.cli.proxy.ProxyCommand;
import dev.tokenledger.cli.reconcile.ReconcileCommand;
import dev.tokenledger.cli.report.ReportCommand;
import dev.tokenledger.cli.run.RunCommand;
import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.sim.SimCommand;
import dev.tokenledger.cli.usage.UsageCommand;
import picocli.AutoComplete;
import picocli.CommandLine;

/** Builds the command line: the root command, its subcommands, the error handling. */
public final class TokenLedgerCli {
  private TokenLedgerCli() {}

  /** A ready-to-execute command line over {@code environment}. */
  public static CommandLine commandLine(CliEnvironment environment) {
    ErrorHandler errors = new ErrorHandler();
    CommandLine cli =
        new CommandLine(
            TokenLedgerCommand.class, new CommandFactory(environment, TokenLedgerCli::commandLine));
    cli.addSubcommand(DemoCommand.class);
    cli.addSubcommand(DoctorCommand.class);
    cli.addSubcommand(UsageCommand.class);
    cli.addSubcommand(RunCommand.class);
    cli.addSubcommand(ReconcileCommand.class);
    cli.addSubcommand(CostsCommand.class);
    cli.addSubcommand(ReportCommand.class);
    cli.addSubcommand(PricesCommand.class);
    cli.addSubcommand(ImportCommand.class);
    cli.addSubcommand(ProxyCommand.class);
    cli.addSubcommand(SimCommand.class);
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
    completion.getCommandSpec().usageMessage().hidden(false);
    completion
        .getCommandSpec()
        .usageMessage()
        .description("Print a bash/zsh completion script (source <(tokenledger completion)).");
    cli.addSubcommand("completion", completion);
    cli.setExecutionExceptionHandler(errors);
    cli.setParameterExceptionHandler(errors);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setUsageHelpAutoWidth(true);
    return cli;
  }
}
