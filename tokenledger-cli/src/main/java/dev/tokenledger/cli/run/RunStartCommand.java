package dev.tokenledger.cli.run;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.keys.FingerprintResolver;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.RunSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokenledger run start}: begins a run for a harness and prints its id. */
@Command(
    name = "start",
    description = {
      "Start a run now and print its id, for harnesses that drive their runs themselves.",
      "The run belongs to the calling process: if that dies before 'run end', the run shows as"
          + " interrupted.",
      "  export TOKENLEDGER_RUN_ID=$(tokenledger run start --framework chatdev --experiment e1)",
      "  eval \"$(tokenledger run start --meter --framework chatdev --format env)\"   (metered)"
    },
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class RunStartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin NewRunMixin newRun;

  @Option(names = "--model", description = "The model the run is expected to use (a hint).")
  String model;

  @Mixin MeterOptions meterOptions;

  @Mixin CommandContext context;

  @Mixin LedgerMixin ledgerOptions;

  @Override
  public Integer call() {
    TokenLedgerConfig config = context.config();
    FrameworkKey key = config.frameworkKey(newRun.framework);
    meterOptions.check(config, this.spec);
    FingerprintResolver.recordingWarning(key, config.findUsageKey().isPresent())
        .ifPresent(context::warn);
    try (Ledger ledger = context.openLedger(ledgerOptions)) {
      RunSpec spec =
          RunSpec.builder(key.name())
              .experiment(newRun.experiment)
              .label(newRun.label)
              .modelHint(model)
              .keyFingerprint(ledger.keyFingerprint(key.key()))
              .apiKeyId(key.keyId().orElse(null))
              .source(RunSpec.SOURCE_CLI)
              .build();
      RunRecord run = ledger.beginRun(spec, RunOwner.harness());
      meterOptions.print(
          context.out(),
          context.err(),
          config,
          ledger,
          RunCommand.RUN_ID_VARIABLE,
          run.id(),
          run.id(),
          null);
    }
    return 0;
  }
}
