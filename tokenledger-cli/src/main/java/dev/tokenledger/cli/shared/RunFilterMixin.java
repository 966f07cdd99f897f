package dev.tokenledger.cli.shared;

import picocli.CommandLine.Option;

/**
 * The filters on recorded runs that {@code run list}, {@code reconcile} and {@code report} share.
 */
public final class RunFilterMixin {
  @Option(names = "--experiment", paramLabel = "E", description = "Only runs of this experiment.")
  String experiment;

  @Option(names = "--framework", paramLabel = "FW", description = "Only runs of this framework.")
  String framework;

  /** The experiment asked for, or {@code null} for all. */
  public String experiment() {
    return experiment;
  }

  /** The framework asked for, or {@code null} for all. */
  public String framework() {
    return framework;
  }
}
