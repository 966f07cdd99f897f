package dev.tokenledger.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * The root command: prints usage when given no subcommand.
 *
 * <p>Its model is built here, not read from annotations like every other command's: every start
 * builds the root, and picocli's reading of its annotations (a proxy class per annotation type, its
 * standard help options read from a mixin class) was about 10 ms of {@code --version}
 * (docs/performance.md, item 28). {@code TokenLedgerCliTest} holds its usage to what the
 * annotations gave.
 */
final class TokenLedgerCommand implements Runnable {
  private final CommandSpec spec;

  private TokenLedgerCommand() {
    spec = CommandSpec.wrapWithoutInspection(this);
  }

  /** The root's model: name, version, options and usage texts. */
  static CommandSpec spec() {
    CommandSpec spec = new TokenLedgerCommand().spec;
    spec.name("tokenledger").versionProvider(new VersionProvider());
    spec.addOption(
        OptionSpec.builder("-x", "--stacktrace")
            .scopeType(ScopeType.INHERIT)
            .description("Print the stack trace of an error.")
            .build());
    // what mixinStandardHelpOptions adds, in the words picocli gives them
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .build());
    spec.addOption(
        OptionSpec.builder("-V", "--version")
            .versionHelp(true)
            .description("Print version information and exit.")
            .build());
    spec.usageMessage()
        .sortOptions(false)
        .autoWidth(true)
        .description(
            "Exact token and cost accounting for LLM experiment runs, from OpenAI's Usage and"
                + " Costs APIs.",
            "")
        .footerHeading("%nExit codes:%n")
        .footer(
            "  0  ok",
            "  1  failure",
            "  2  usage error",
            "  3  configuration (missing key, bad file)",
            "  4  API refused the key (401/403, scope)",
            "  5  API or network failure after retries",
            "  6  reconcile found warnings");
    return spec;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
