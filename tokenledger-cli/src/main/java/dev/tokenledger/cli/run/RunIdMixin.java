package dev.tokenledger.cli.run;

import dev.tokenledger.cli.shared.CommandContext;
import picocli.CommandLine.Option;

/** The run a harness command acts on: {@code --run}, else {@code TOKENLEDGER_RUN_ID}. */
final class RunIdMixin {
  @Option(names = "--run", paramLabel = "ID", description = "Default: TOKENLEDGER_RUN_ID.")
  String run;

  /** The run's id; a usage error when neither {@code --run} nor the variable names one. */
  String runId(CommandContext context) {
    if (run != null && !run.isBlank()) {
      return run.strip();
    }
    String fromEnvironment = context.environment().variables().get(RunCommand.RUN_ID_VARIABLE);
    if (fromEnvironment == null || fromEnvironment.isBlank()) {
      throw context.usageError(
          "which run? give --run ID, or set "
              + RunCommand.RUN_ID_VARIABLE
              + " to the id that"
              + " 'run start' printed");
    }
    return fromEnvironment.strip();
  }
}
