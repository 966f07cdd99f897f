package dev.tokenledger.cli.prices;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tokenledger prices}: the price table's entries and the prices that look wrong. */
@Command(
    name = "prices",
    mixinStandardHelpOptions = true,
    description = {
      "Show the prices tokenledger uses, and check them.",
      "Prices come from the LiteLLM snapshot in the jar, or --prices FILE / TOKENLEDGER_PRICES."
    },
    subcommands = {PricesShowCommand.class, PricesCheckCommand.class, PricesVersionsCommand.class})
public final class PricesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: show, check or versions");
  }
}
