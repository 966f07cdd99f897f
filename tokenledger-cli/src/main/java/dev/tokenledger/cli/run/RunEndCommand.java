package dev.tokenledger.cli.run;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.cli.shared.TimeConverters;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunRecord;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tokenledger run end}: ends a run, or closes an interrupted one by hand. */
@Command(
    name = "end",
    description = {
      "End a run and any step still open in it.",
      "A run whose writer died (interrupted) is closed at the last time it was seen and stays"
          + " interrupted, unless --at or --exit-code says how it ended; an interrupted run can be"
          + " ended again that way."
    },
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class RunEndCommand implements Callable<Integer> {
  @Mixin RunIdMixin run;

  @Option(names = "--exit-code", paramLabel = "CODE", description = "The run's exit code.")
  Integer exitCode;

  @Option(
      names = "--at",
      paramLabel = "INSTANT",
      converter = TimeConverters.InstantConverter.class,
      description = "When the run ended (ISO-8601 or epoch seconds). Default: now.")
  Instant at;

  @Mixin CommandContext context;

  @Mixin LedgerMixin ledgerOptions;

  @Override
  public Integer call() {
    String runId = run.runId(context);
    PrintWriter err = context.err();
    try (Ledger ledger = context.openLedger(ledgerOptions)) {
      RunRecord ended;
      try {
        ended = ledger.endRun(runId, exitCode, at);
      } catch (IllegalArgumentException e) {
        throw context.usageError("--at: " + e.getMessage());
      }
      if (ended.status() == RecordingStatus.INTERRUPTED) {
        err.println(
            "tokenledger: run "
                + runId
                + " was interrupted; closed at the last time it was seen, "
                + ended.endedAt()
                + " (give --exit-code and --at when you know how and when it ended)");
      }
      context.out().println(runId);
    }
    return 0;
  }
}
