package dev.tokenledger.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root command: prints usage when given no subcommand. */
@Command(
    name = "tokenledger",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Exact token and cost accounting for LLM experiment runs, from OpenAI's Usage and Costs APIs.",
      ""
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  ok",
      "  1  failure",
      "  2  usage error",
      "  3  configuration (missing key, bad file)",
      "  4  API refused the key (401/403, scope)",
      "  5  API or network failure after retries",
      "  6  reconcile found warnings"
    })
public final class TokenLedgerCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = {"-x", "--stacktrace"},
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error.")
  boolean stacktrace;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
