package dev.tokenledger.cli.imports;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.keys.FingerprintResolver;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.recording.GenaiDevbenchImporter;
import dev.tokenledger.recording.ImportReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokenledger import genai-devbench DIR}: runs and steps from genai-devbench records. */
@Command(
    name = "genai-devbench",
    description = {
      "Import the runs of a genai-devbench experiment folder (runs/manifest.json and"
          + " runs/<framework>/<run_id>/metrics.json). Importing again adds only what is new.",
      "Key ids come from OPENAI_API_KEY_<FW>_ID."
    },
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class GenaiDevbenchImportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", description = "The experiment folder (holding runs/).")
  Path folder;

  @Option(
      names = "--experiment",
      description = "The experiment's name in the ledger. Default: the folder's name.")
  String experiment;

  @Mixin CommandContext context;

  @Mixin LedgerMixin ledgerOptions;

  @Override
  public Integer call() {
    TokenLedgerConfig config = context.config();
    Map<String, String> keyIds = config.frameworkKeyIds();
    PrintWriter out = context.out();
    PrintWriter err = context.err();
    ImportReport report;
    List<String> keyWarnings = new ArrayList<>();
    try (Ledger ledger = context.openLedger(ledgerOptions)) {
      Map<String, String> fingerprints = new TreeMap<>();
      Map<String, FrameworkKey> keys = new TreeMap<>();
      for (FrameworkKey k : config.frameworkKeys()) {
        fingerprints.put(k.name(), ledger.keyFingerprint(k.key()));
        keys.put(k.name(), k);
      }
      report =
          new GenaiDevbenchImporter(ledger, keyIds, fingerprints)
              .importFrom(context.environment().workingDirectory().resolve(folder), experiment);
      Set<String> withoutId = new TreeSet<>();
      for (String id : report.runIds()) {
        RunRecord run = ledger.run(id);
        if (run.apiKeyId() == null) {
          withoutId.add(run.framework());
        }
      }
      boolean admin = config.findUsageKey().isPresent();
      for (String framework : withoutId) {
        FrameworkKey key = keys.get(framework);
        if (key == null) {
          keyWarnings.add(
              "runs of "
                  + framework
                  + " have no key id: neither "
                  + TokenLedgerConfig.frameworkVariable(framework)
                  + "_ID nor the key itself is set, so reconcile cannot read their usage; set the"
                  + " id and import again");
        } else {
          FingerprintResolver.recordingWarning(key, admin).ifPresent(keyWarnings::add);
        }
      }
    }
    report.problems().forEach(p -> err.println("tokenledger: warning: " + p));
    keyWarnings.forEach(w -> err.println("tokenledger: warning: " + w));
    out.println(
        "imported "
            + report.runsAdded()
            + " runs ("
            + report.stepsAdded()
            + " steps); "
            + report.runsAlreadyPresent()
            + " already in the ledger"
            + (report.keyIdsAdded() > 0
                ? " (" + report.keyIdsAdded() + " given their framework key id now)"
                : "")
            + "; "
            + (report.runsNotImported() > 0 ? report.runsNotImported() + " not imported; " : "")
            + report.problems().size()
            + " problems");
    out.flush();
    if (report.runsNotImported() > 0) {
      err.println(
          "tokenledger: error: "
              + report.runsNotImported()
              + " run(s) could not be imported (the warnings above say why): fix their records and"
              + " import again; what was imported stays");
    }
    err.flush();
    return report.runsNotImported() > 0 ? ExitCode.CONFIG : ExitCode.OK;
  }
}
