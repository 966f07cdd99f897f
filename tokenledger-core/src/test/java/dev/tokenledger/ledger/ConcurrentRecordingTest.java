package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several writers at once lose nothing: processes on one SQLite file, threads on PostgreSQL. */
class ConcurrentRecordingTest {
  private static final int RUNS = 10;
  private static final int STEPS = 5;

  @TempDir Path dir;

  @Test
  void fourProcessesRecordingIntoOneNewSqliteFileLoseNothing() throws Exception {
    Path file = dir.resolve("shared").resolve("ledger.db");
    List<Process> writers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      writers.add(
          javaProcess(
                  "write", file.toString(), "fw" + i, String.valueOf(RUNS), String.valueOf(STEPS))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(dir.resolve("writer" + i + ".err").toFile())
              .start());
    }
    for (Process p : writers) {
      assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as("writer exit code").isZero();
    }

    try (Ledger ledger = Ledger.open(LedgerLocation.sqlite(file))) {
      List<RunRecord> runs = ledger.runs(RunQuery.all());
      assertThat(runs).hasSize(4 * RUNS);
      assertThat(runs).allMatch(r -> r.status() == RecordingStatus.ENDED);
      for (int i = 0; i < 4; i++) {
        assertThat(ledger.runs(RunQuery.all().withFramework("fw" + i))).hasSize(RUNS);
      }
      for (RunRecord r : runs) {
        assertThat(ledger.steps(r.id()))
            .extracting(StepRecord::index)
            .containsExactly(1, 2, 3, 4, 5);
      }
    }
  }

  @Test
  void aKilledWriterProcessLeavesAnInterruptedRunAndStep() throws Exception {
    Path file = dir.resolve("ledger.db");
    Process holder = javaProcess("hold", file.toString()).start();
    String runId;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      runId = out.readLine();
    }
    assertThat(runId).as("run id printed by the writer").isNotNull();
    try (Ledger ledger = Ledger.open(LedgerLocation.sqlite(file))) {
      assertThat(ledger.run(runId).status()).isEqualTo(RecordingStatus.RECORDING);

      holder.destroyForcibly().waitFor();

      RunRecord run = ledger.run(runId);
      assertThat(run.status()).isEqualTo(RecordingStatus.INTERRUPTED);
      assertThat(run.effectiveEnd()).isNotNull();
      assertThat(ledger.steps(runId).get(0).status()).isEqualTo(RecordingStatus.INTERRUPTED);
      assertThat(ledger.endRun(runId, null, null).status()).isEqualTo(RecordingStatus.INTERRUPTED);
    }
  }

  @Test
  void eightConnectionsRecordingIntoOnePostgresqlLoseNothing() throws Exception {
    LedgerLocation location = Backend.POSTGRESQL.newLocation(dir);
    String sharedRun;
    try (Ledger setup = Ledger.open(location)) {
      sharedRun = setup.startRun(RunSpec.builder("shared").build()).id();
    }
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Void>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String framework = "fw" + t;
      Callable<Void> writer =
          () -> {
            try (Ledger ledger = Ledger.builder(location).heartbeatInterval(Duration.ZERO).open()) {
              start.await();
              for (int r = 0; r < RUNS; r++) {
                try (Run run = ledger.startRun(RunSpec.builder(framework).build())) {
                  for (int s = 0; s < STEPS; s++) {
                    run.step("step " + s).close();
                  }
                }
                ledger.startStep(sharedRun, null, framework + " " + r).close();
              }
            }
            return null;
          };
      done.add(pool.submit(writer));
    }
    pool.shutdown();
    for (Future<Void> f : done) {
      f.get(3, TimeUnit.MINUTES);
    }

    try (Ledger ledger = Ledger.open(location)) {
      List<RunRecord> runs = ledger.runs(RunQuery.all());
      assertThat(runs).hasSize(threads * RUNS + 1);
      long steps = runs.stream().mapToLong(r -> ledger.steps(r.id()).size()).sum();
      assertThat(steps).isEqualTo((long) threads * RUNS * STEPS + threads * RUNS);
      assertThat(ledger.steps(sharedRun))
          .extracting(StepRecord::index)
          .containsExactlyElementsOf(
              java.util.stream.IntStream.rangeClosed(1, threads * RUNS).boxed().toList());
    }
  }

  private static ProcessBuilder javaProcess(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LedgerWriterMain.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
