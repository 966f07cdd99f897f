package dev.tokenledger.cli.run;

import picocli.CommandLine.Option;

/** What {@code run start} and {@code run exec} record about a new run. */
final class NewRunMixin {
  @Option(
      names = "--framework",
      required = true,
      paramLabel = "FW",
      description = "The framework; its key is OPENAI_API_KEY_<FW>.")
  String framework;

  @Option(names = "--experiment", description = "The experiment the run belongs to.")
  String experiment;

  @Option(names = "--label", description = "A label for a new run.")
  String label;
}
