package dev.tokenledger.bench;

import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.Run;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Prints how many step records per second the ledger takes (SQLite and an embedded PostgreSQL). Run
 * by hand (see docs/run-commands.md); no figure here is asserted anywhere. What {@code run exec}
 * costs a command is {@link RunExecScenario}'s.
 *
 * <p>Arguments: {@code [steps]}.
 */
public final class LedgerScenario {
  private LedgerScenario() {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path dir = Files.createTempDirectory("tokenledger-bench-");

    System.out.println("step records (start + end, one transaction each), " + steps + " steps:");
    stepRate("SQLite", LedgerLocation.sqlite(dir.resolve("ledger.db")), steps);
    stepRate("PostgreSQL", LedgerLocation.postgresql(TestPostgres.newDatabaseUrl()), steps);
  }

  private static void stepRate(String name, LedgerLocation location, int steps) {
    try (Ledger ledger = Ledger.builder(location).heartbeatInterval(Duration.ZERO).open()) {
      // Warm up the JIT and the connection path, then measure.
      record(ledger, Math.min(200, steps));
      long t0 = System.nanoTime();
      record(ledger, steps);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "  %-10s %8.0f steps/s  (%.2f ms per step)%n",
          name,
          steps / seconds,
          seconds * 1000 / steps);
    }
  }

  private static void record(Ledger ledger, int steps) {
    try (Run run = ledger.startRun(RunSpec.builder("bench").build())) {
      for (int i = 0; i < steps; i++) {
        run.step("step " + i).close();
      }
    }
  }
}
