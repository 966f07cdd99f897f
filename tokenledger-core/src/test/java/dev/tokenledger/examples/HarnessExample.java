package dev.tokenledger.examples;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.Run;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.Step;
import java.nio.file.Path;
import java.util.List;

/**
 * A harness written in Java that records its runs in the ledger (the README's example): one run of
 * a framework with two steps, in the default ledger {@code .tokenledger/ledger.db} under the folder
 * given as the first argument.
 */
public final class HarnessExample {
  private HarnessExample() {}

  public static void main(String[] args) {
    Path experimentFolder = Path.of(args.length > 0 ? args[0] : ".");
    ApiKey chatdevKey =
        ApiKey.of(
            System.getenv()
                .getOrDefault(
                    "OPENAI_API_KEY_CHATDEV", "sk-proj-example-placeholder-key-0000000000000000"));

    try (Ledger ledger = Ledger.open(LedgerLocation.resolve(null, experimentFolder))) {
      RunSpec spec =
          RunSpec.builder("chatdev")
              .experiment("crud-app")
              .label("run 1")
              // the key's salted fingerprint in this ledger, never the key
              .keyFingerprint(ledger.keyFingerprint(chatdevKey))
              .apiKeyId(System.getenv("OPENAI_API_KEY_CHATDEV_ID"))
              .build();
      try (Run run = ledger.startRun(spec)) {
        for (String name : List.of("create entity", "add relation")) {
          try (Step step = run.step(name)) {
            callTheFramework(name); // its model calls fall into this step's window
          }
        }
      }
      for (RunRecord r : ledger.runs(RunQuery.all().withExperiment("crud-app"))) {
        System.out.println(
            r.id()
                + " "
                + r.framework()
                + " "
                + r.status().word()
                + " "
                + ledger.steps(r.id()).size()
                + " steps");
      }
    }
  }

  private static void callTheFramework(String step) {
    // Here the harness would run the framework for this step, e.g. with a ProcessBuilder.
  }
}
