package dev.tokenledger.cli.imports;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tokenledger import}: brings runs recorded by other tools into the ledger. */
@Command(
    name = "import",
    description = "Bring runs recorded by other tools into the ledger.",
    mixinStandardHelpOptions = true,
    subcommands = {GenaiDevbenchImportCommand.class})
public final class ImportCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "say what to import from");
  }
}
