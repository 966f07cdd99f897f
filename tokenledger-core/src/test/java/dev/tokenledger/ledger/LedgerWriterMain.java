package dev.tokenledger.ledger;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate process that records into a SQLite ledger, for the multi-process tests: {@code write
 * FILE FRAMEWORK RUNS STEPS} records RUNS runs of STEPS steps and exits; {@code hold FILE} starts a
 * run and a step, prints their ids and waits to be killed.
 */
public final class LedgerWriterMain {
  private LedgerWriterMain() {}

  public static void main(String[] args) throws Exception {
    LedgerLocation location = LedgerLocation.sqlite(Path.of(args[1]));
    try (Ledger ledger = Ledger.builder(location).heartbeatInterval(Duration.ZERO).open()) {
      if (args[0].equals("hold")) {
        Run run = ledger.startRun(RunSpec.builder("chatdev").label("killed").build());
        run.step("never ends");
        System.out.println(run.id());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
      int runs = Integer.parseInt(args[3]);
      int steps = Integer.parseInt(args[4]);
      for (int r = 0; r < runs; r++) {
        try (Run run = ledger.startRun(RunSpec.builder(args[2]).experiment("parallel").build())) {
          for (int s = 0; s < steps; s++) {
            run.step("step " + s).close();
          }
        }
      }
    }
  }
}
