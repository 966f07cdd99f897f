package dev.tokenledger.cli.run;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tokenledger run}: recording runs and steps, and reading them back. Its subcommands are
 * added by {@code TokenLedgerCli}, which builds only the one a command line names.
 */
@Command(
    name = "run",
    description = "Record runs and steps in the ledger, and list them.",
    mixinStandardHelpOptions = true)
public final class RunCommand implements Runnable {
  /**
   * Set by harnesses to the current run: {@code export TOKENLEDGER_RUN_ID=$(tokenledger run start
   * …)}.
   */
  static final String RUN_ID_VARIABLE = "TOKENLEDGER_RUN_ID";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a run command is required");
  }
}
