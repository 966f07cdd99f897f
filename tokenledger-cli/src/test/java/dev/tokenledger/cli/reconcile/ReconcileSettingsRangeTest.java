package dev.tokenledger.cli.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.shared.ExitCode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * reconcile's knobs out of range: a bad flag is a usage error (exit 2), the same value in a {@code
 * TOKENLEDGER_*} variable a configuration error (exit 3), before anything is read or sent.
 */
class ReconcileSettingsRangeTest {
  @TempDir Path dir;

  CliHarness cli() {
    return new CliHarness(dir).env("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
  }

  @ParameterizedTest
  @CsvSource({"--interval,0", "--interval,0s", "--stable-reads,0", "--stable-reads,-1"})
  void flagsOutOfRangeExit2(String flag, String value) {
    CliHarness.Result r = cli().run("reconcile", flag, value);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains(flag);
  }

  @ParameterizedTest
  @CsvSource({
    "TOKENLEDGER_INTERVAL,0s",
    "TOKENLEDGER_INTERVAL,0",
    "TOKENLEDGER_STABLE_READS,0",
    "TOKENLEDGER_STABLE_READS,-2",
    "TOKENLEDGER_STABLE_READS,three",
    "TOKENLEDGER_MIN_AGE,soon",
    "TOKENLEDGER_INTERVAL,9999999999999999d"
  })
  void variablesOutOfRangeExit3(String variable, String value) {
    CliHarness.Result r = cli().env(variable, value).run("reconcile");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.CONFIG);
    assertThat(r.err()).contains(variable);
  }

  @Test
  void aHugeIntervalFlagIsAUsageErrorNotACrash() {
    CliHarness.Result r = cli().run("reconcile", "--interval", "9999999999999999d");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.USAGE);
  }
}
