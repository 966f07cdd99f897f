package dev.tokenledger.bench;

import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.Run;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints how many step records per second the ledger takes (SQLite and an embedded PostgreSQL), and
 * how much {@code tokenledger run exec} adds to a command that does nothing. Run by hand (see
 * docs/run-commands.md); no figure here is asserted anywhere.
 *
 * <p>Arguments: {@code [steps] [path to tokenledger.jar] [exec repetitions]}.
 */
public final class LedgerScenario {
  private LedgerScenario() {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path jar = Path.of(args.length > 1 ? args[1] : "tokenledger-cli/target/tokenledger.jar");
    int repetitions = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    Path dir = Files.createTempDirectory("tokenledger-bench-");

    System.out.println("step records (start + end, one transaction each), " + steps + " steps:");
    stepRate("SQLite", LedgerLocation.sqlite(dir.resolve("ledger.db")), steps);
    stepRate("PostgreSQL", LedgerLocation.postgresql(TestPostgres.newDatabaseUrl()), steps);

    if (Files.isRegularFile(jar)) {
      execOverhead(jar, dir, repetitions);
    } else {
      System.out.println(
          "run exec overhead: skipped, no "
              + jar
              + " (build it: mvn -B -q -pl tokenledger-cli -am"
              + " package -DskipTests)");
    }
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

  private static void execOverhead(Path jar, Path dir, int repetitions)
      throws IOException, InterruptedException {
    List<String> java =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-jar",
            jar.toAbsolutePath().toString());
    List<String> plain = List.of("true");
    List<String> exec = new ArrayList<>(java);
    exec.addAll(List.of("run", "exec", "--framework", "bench", "--", "true"));
    List<String> version = new ArrayList<>(java);
    version.add("--version");
    time(exec, dir, 2); // creates the ledger and warms the file cache
    long[] plainMs = time(plain, dir, repetitions);
    long[] versionMs = time(version, dir, repetitions);
    long[] execMs = time(exec, dir, repetitions);
    System.out.printf(
        Locale.ROOT,
        "run exec of a no-op command, median of %d: %d ms (the command alone %d ms, tokenledger"
            + " --version %d ms): overhead %d ms, of which JVM start and CLI %d ms%n",
        repetitions,
        median(execMs),
        median(plainMs),
        median(versionMs),
        median(execMs) - median(plainMs),
        median(versionMs) - median(plainMs));
  }

  private static long[] time(List<String> command, Path dir, int times)
      throws IOException, InterruptedException {
    long[] ms = new long[times];
    for (int i = 0; i < times; i++) {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("OPENAI_API_KEY_BENCH", "sk-proj-bench-placeholder-000000000000000000");
      long t0 = System.nanoTime();
      int code = pb.start().waitFor();
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
      if (code != 0) {
        throw new IllegalStateException(command + " exited with " + code);
      }
    }
    return ms;
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
