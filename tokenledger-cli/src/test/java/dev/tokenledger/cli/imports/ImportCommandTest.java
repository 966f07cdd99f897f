package dev.tokenledger.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.shared.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import genai-devbench} exits non-zero whenever a run it found could not be imported. */
class ImportCommandTest {
  @TempDir Path dir;

  @Test
  void aRunThatCannotBeReadMakesTheImportExit3AndTheOthersAreStillImported() throws Exception {
    Path good = Files.createDirectories(dir.resolve("exp/runs/chatdev/r-1"));
    Files.writeString(
        good.resolve("metrics.json"),
        "{\"run_id\": \"r-1\", \"steps\": [{\"step\": 1, \"start_timestamp\": 1761559200,"
            + " \"end_timestamp\": 1761559260}]}");
    Path loop = Files.createDirectories(dir.resolve("exp/runs/chatdev/r-2"));
    Files.createSymbolicLink(loop.resolve("metrics.json"), loop.resolve("metrics.json"));
    Path epoch = Files.createDirectories(dir.resolve("exp/runs/chatdev/r-3"));
    Files.writeString(
        epoch.resolve("metrics.json"),
        "{\"run_id\": \"r-3\", \"steps\": [{\"step\": 1, \"start_timestamp\": -5,"
            + " \"end_timestamp\": 60}]}");

    CliHarness.Result r = new CliHarness(dir).run("import", "genai-devbench", "exp");

    assertThat(r.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(r.out())
        .isEqualTo(
            "imported 1 runs (1 steps); 0 already in the ledger; 2 not imported; 2 problems\n");
    assertThat(r.err())
        .contains("r-2/metrics.json: metrics.json cannot be read")
        .contains("r-3/metrics.json: run r-3 starts at 1969-12-31T23:59:55Z, before 2020-01-01")
        .contains("2 run(s) could not be imported");
  }
}
