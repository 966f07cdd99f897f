package dev.tokenledger.cli.run;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.StepRecord;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokenledger run step start|end}: steps of a run driven by a harness. */
@Command(
    name = "step",
    description = "Start or end a step of a run.",
    mixinStandardHelpOptions = true,
    subcommands = {RunStepCommand.Start.class, RunStepCommand.End.class})
public final class RunStepCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "say 'step start' or 'step end'");
  }

  /** {@code run step start}: begins a step now and prints its index. */
  @Command(
      name = "start",
      description = "Start a step of a run now and print its index.",
      mixinStandardHelpOptions = true,
      sortOptions = false)
  public static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin RunIdMixin run;

    @Option(names = "--step", paramLabel = "N", description = "The index. Default: the next.")
    Integer step;

    @Option(names = "--name", paramLabel = "S", description = "The step's name.")
    String name;

    @Mixin MeterOptions meterOptions;

    @Mixin CommandContext context;

    @Mixin LedgerMixin ledgerOptions;

    @Override
    public Integer call() {
      if (step != null && step < 1) {
        throw context.usageError("--step must be 1 or more, was " + step);
      }
      String runId = run.runId(context);
      TokenLedgerConfig config = context.config();
      meterOptions.check(config, spec);
      try (Ledger ledger = context.openLedger(ledgerOptions)) {
        StepRecord s = ledger.beginStep(runId, step, name, RunOwner.harness(), null);
        meterOptions.print(
            context.out(),
            context.err(),
            config,
            ledger,
            "TOKENLEDGER_STEP",
            String.valueOf(s.index()),
            runId,
            s.index());
      }
      return 0;
    }
  }

  /** {@code run step end}: ends a step now. */
  @Command(
      name = "end",
      description = "End a step of a run now (by default the latest one still open).",
      mixinStandardHelpOptions = true,
      sortOptions = false)
  public static final class End implements Callable<Integer> {
    @Mixin RunIdMixin run;

    @Option(names = "--step", paramLabel = "N", description = "Default: the latest open step.")
    Integer step;

    @Option(names = "--exit-code", paramLabel = "CODE", description = "The step's exit code.")
    Integer exitCode;

    @Mixin CommandContext context;

    @Mixin LedgerMixin ledgerOptions;

    @Override
    public Integer call() {
      String runId = run.runId(context);
      try (Ledger ledger = context.openLedger(ledgerOptions)) {
        int index = step != null ? step : latestOpenStep(ledger, runId);
        StepRecord s = ledger.endStep(runId, index, exitCode, null);
        context.out().println(s.index());
      }
      return 0;
    }

    private int latestOpenStep(Ledger ledger, String runId) {
      ledger.run(runId); // names an unknown run
      return ledger.steps(runId).stream()
          .filter(s -> s.endedAt() == null)
          .max(Comparator.comparingInt(StepRecord::index))
          .map(StepRecord::index)
          .orElseThrow(
              () ->
                  context.usageError(
                      "run "
                          + runId
                          + " has no open step: see 'tokenledger run show "
                          + runId
                          + "'"));
    }
  }
}
