package dev.tokenledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code run exec} nearly free: {@code tokenledger run exec --framework bench -- true} and the same
 * with {@code --meter} (the metering proxy started in-process), against {@code tokenledger
 * --version}, interleaved, on a SQLite ledger in a temporary folder (docs/performance.md).
 *
 * <p>Exits 1 when a result is wrong, never because it is slow: a command that did not exit 0, a
 * command's exit code not passed through ({@code sh -c 'exit 7'} must give 7), or a run missing
 * from the ledger (every {@code run exec} must be there, ended, with its exit code and one step).
 *
 * <p>Arguments: {@code [rounds, 21] [launcher, ./tokenledger]}.
 */
public final class RunExecScenario {
  private RunExecScenario() {}

  private static final String PLAIN = "run exec --framework bench -- true";
  private static final String METERED = "run exec --meter --framework bench -- true";
  private static final String VERSION = "tokenledger --version";

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21;
    String launcher =
        Path.of(args.length > 1 ? args[1] : "tokenledger").toAbsolutePath().toString();
    Path dir = Files.createTempDirectory("tokenledger-exec-");
    try {
      StartTimer timer =
          new StartTimer(
              dir,
              Map.of(
                  "OPENAI_API_KEY_BENCH", "sk-proj-bench-placeholder-00000000000000000000000",
                  "OPENAI_API_KEY_BENCH_ID", "key_bench"));
      StartTimer.Check ok =
          o -> StartTimer.expect(o.exitCode() == 0, "exited " + o.exitCode() + ": " + o.err());
      timer.once(List.of(launcher, "--version")); // builds and prepares if needed

      long t0 = System.nanoTime();
      StartTimer.Outcome first = timer.once(exec(launcher, "first", "true"));
      long firstMs = (System.nanoTime() - t0) / 1_000_000;
      ok.verify(first);
      StartTimer.Outcome seven = timer.once(exec(launcher, "seven", "sh", "-c", "exit 7"));
      StartTimer.expect(
          seven.exitCode() == 7, "run exec of 'exit 7' exited " + seven.exitCode() + ", not 7");

      timer.add(VERSION, List.of(launcher, "--version"), ok);
      timer.add(PLAIN, exec(launcher, "plain", "true"), ok);
      List<String> metered = exec(launcher, "metered", "true");
      metered.add(3, "--meter");
      timer.add(METERED, metered, ok);
      timer.run(rounds);

      checkRecorded(timer, launcher, rounds);
      System.out.printf(Locale.ROOT, "first run exec (creates the ledger): %d ms%n", firstMs);
      timer.print(VERSION);
      StartTimer.goal("run exec vs --version", timer.ratio(PLAIN, VERSION), 1.5);
      System.out.printf(
          Locale.ROOT,
          "--meter adds %d ms to run exec (%.2f× --version)%n",
          timer.median(METERED) - timer.median(PLAIN),
          timer.ratio(METERED, VERSION));
    } catch (StartTimer.WrongResult e) {
      System.err.println("RunExecScenario: wrong result: " + e.getMessage());
      System.exit(1);
    } finally {
      deleteTree(dir);
    }
  }

  /** {@code run exec} with a label saying which measure recorded the run. */
  private static List<String> exec(String launcher, String label, String... command) {
    List<String> argv =
        new ArrayList<>(
            List.of(launcher, "run", "exec", "--framework", "bench", "--label", label, "--"));
    argv.addAll(List.of(command));
    return argv;
  }

  /** Every run exec is in the ledger, ended, with its exit code and its one step. */
  private static void checkRecorded(StartTimer timer, String launcher, int rounds)
      throws Exception {
    StartTimer.Outcome list =
        timer.once(List.of(launcher, "run", "list", "--framework", "bench", "--format", "json"));
    StartTimer.expect(list.exitCode() == 0, "run list exited " + list.exitCode());
    JsonNode runs = new ObjectMapper().readTree(list.out()).path("runs");
    Map<String, Integer> expected =
        Map.of("first", 1, "seven", 1, "plain", rounds, "metered", rounds);
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      int found = 0;
      for (JsonNode run : runs) {
        if (!e.getKey().equals(run.path("label").asText())) {
          continue;
        }
        int exit = e.getKey().equals("seven") ? 7 : 0;
        StartTimer.expect(
            run.path("status").asText().equals("ended")
                && run.path("exit_code").asInt(-1) == exit
                && run.path("steps").asInt() == 1,
            "run " + run.path("id").asText() + " (" + e.getKey() + ") was recorded as " + run);
        found++;
      }
      StartTimer.expect(
          found == e.getValue(),
          found + " runs labelled " + e.getKey() + " in the ledger, not " + e.getValue());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
