package dev.tokenledger.cli.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.shared.ExitCode;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A window starting before 2020-01-01 ({@code --since 100000d} would send a negative start_time) is
 * refused on the command line with exit 2 and nothing sent: nothing listens at the base URL, so a
 * request would end in exit 5.
 */
class EarliestInstantTest {
  @TempDir Path dir;

  CliHarness cli() {
    return new CliHarness(dir)
        .env("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
        .env("OPENAI_ADMIN_KEY", "sk-admin-" + "A".repeat(40));
  }

  @ParameterizedTest
  @CsvSource({
    "usage,--since,100000d",
    "usage,--from,1",
    "usage,--from,2019-12-31T23:59:59Z",
    "costs,--since,100000d",
    "costs,--from,1000"
  })
  void windowsStartingBefore2020AreRefusedLocally(String command, String option, String value) {
    CliHarness.Result r = cli().run(command, option, value);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("before 2020-01-01").doesNotContain("127.0.0.1:9");
  }

  @ParameterizedTest
  @CsvSource({"usage", "costs"})
  void aWindowStartingOn2020_01_01IsSent(String command) {
    CliHarness.Result r =
        cli().run(command, "--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z");

    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.API_FAILURE);
  }
}
