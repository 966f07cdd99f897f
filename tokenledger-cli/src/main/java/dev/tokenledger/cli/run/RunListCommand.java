package dev.tokenledger.cli.run;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.FormatMixin;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.cli.shared.RunFilterMixin;
import dev.tokenledger.cli.shared.WindowMixin;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tokenledger run list}: the runs in the ledger, oldest first. */
@Command(
    name = "list",
    description = "List runs, oldest first: recording, ended, or interrupted (their writer died).",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class RunListCommand implements Callable<Integer> {
  @Mixin RunFilterMixin runs;

  @Option(
      names = "--status",
      description = "Only runs with this status: recording, ended, interrupted.")
  RecordingStatus status;

  @Mixin WindowMixin window;

  @Option(names = "--limit", paramLabel = "N", description = "Only the latest N runs.")
  Integer limit;

  @Mixin FormatMixin format;

  @Mixin CommandContext context;

  @Mixin LedgerMixin ledgerOptions;

  @Override
  public Integer call() {
    RunQuery query;
    try {
      WindowMixin.Window w = window.open(context.now());
      query = new RunQuery(runs.experiment(), runs.framework(), status, w.start(), w.end(), limit);
    } catch (IllegalArgumentException e) {
      throw context.usageError(e.getMessage());
    }
    TokenLedgerConfig config = context.config();
    PrintWriter out = context.out();
    try (Ledger ledger = context.openExistingLedger(ledgerOptions)) {
      List<RunRecord> runs = ledger.runs(query);
      Map<String, Integer> steps = new HashMap<>();
      for (RunRecord r : runs) {
        steps.put(r.id(), ledger.steps(r.id()).size());
      }
      switch (format.format()) {
        case JSON -> RunRenderer.json(runs, steps, out);
        case CSV -> RunRenderer.csv(runs, steps, out);
        default -> RunRenderer.table(runs, steps, out);
      }
    }
    out.flush();
    return 0;
  }
}
