package dev.tokenledger.cli.run;

import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.ConfigMixin;
import dev.tokenledger.cli.LedgerMixin;
import dev.tokenledger.cli.OutputFormat;
import dev.tokenledger.cli.Services;
import dev.tokenledger.cli.TimeConverters;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokenledger run list}: the runs in the ledger, oldest first. */
@Command(
    name = "list",
    description = "List runs, oldest first: recording, ended, or interrupted (their writer died).",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class RunListCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Option(names = "--experiment", description = "Only runs of this experiment.")
  String experiment;

  @Option(names = "--framework", paramLabel = "FW", description = "Only runs of this framework.")
  String framework;

  @Option(
      names = "--status",
      description = "Only runs with this status: recording, ended, interrupted.")
  RecordingStatus status;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "Only runs started at or after WHEN: an instant, or a duration ago (2h, 1d).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      description = "Only runs started before WHEN: an instant, or a duration ago.")
  String until;

  @Option(names = "--limit", paramLabel = "N", description = "Only the latest N runs.")
  Integer limit;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "table, json or csv. Default: table.")
  OutputFormat format = OutputFormat.TABLE;

  @Mixin ConfigMixin configOptions;

  @Mixin LedgerMixin ledgerOptions;

  public RunListCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    RunQuery query;
    try {
      query =
          new RunQuery(
              experiment, framework, status, when(since, "--since"), when(until, "--until"), limit);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    TokenLedgerConfig config = Services.config(environment, configOptions);
    PrintWriter out = spec.commandLine().getOut();
    try (Ledger ledger =
        ledgerOptions.openExisting(environment, config, spec.commandLine().getErr())) {
      List<RunRecord> runs = ledger.runs(query);
      Map<String, Integer> steps = new HashMap<>();
      for (RunRecord r : runs) {
        steps.put(r.id(), ledger.steps(r.id()).size());
      }
      switch (format) {
        case JSON -> RunRenderer.json(runs, steps, out);
        case CSV -> RunRenderer.csv(runs, steps, out);
        default -> RunRenderer.table(runs, steps, out);
      }
    }
    out.flush();
    return 0;
  }

  private Instant when(String text, String option) {
    return TimeConverters.instantOrAgo(
        text, environment.clock().instant(), option, spec.commandLine());
  }
}
