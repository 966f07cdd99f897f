package dev.tokenledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.shared.ExitCode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenLedgerCommandTest {
  @TempDir Path dir;

  @Test
  void versionPrintsTheProjectVersionOnStdout() {
    CliHarness.Result result = new CliHarness(dir).run("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("tokenledger ").doesNotContain("${");
  }

  @Test
  void noCommandPrintsUsageOnStderrAndExitsWithTheUsageCode() {
    CliHarness.Result result = new CliHarness(dir).run();

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("Usage: tokenledger").contains("a command is required");
  }

  @Test
  void unknownOptionIsAOneLineUsageError() {
    CliHarness.Result result = new CliHarness(dir).run("--bogus");

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err()).startsWith("tokenledger: error: Unknown option: '--bogus'");
  }

  @Test
  void completionPrintsABashScript() {
    CliHarness.Result result = new CliHarness(dir).run("completion");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("#!/usr/bin/env bash").contains("complete -F");
  }
}
