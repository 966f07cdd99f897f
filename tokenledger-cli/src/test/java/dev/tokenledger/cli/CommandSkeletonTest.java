package dev.tokenledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.ledger.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every command shares: one window syntax (with the older spellings still taken) and the
 * configuration's warnings printed once by every command that reads the configuration.
 */
class CommandSkeletonTest {
  private static final String KEY = "sk-proj-test-canary-000000000000000000000000c11b";
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:10Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  private CliHarness cli() {
    return new CliHarness(dir)
        .env("OPENAI_API_KEY_CHATDEV", KEY)
        .env("OPENAI_API_KEY_CHATDEV_ID", "key_chatdev1")
        .clock(clock);
  }

  /** Two runs: one at T0, one three hours later; returns their ids. */
  private List<String> twoRuns() {
    String first = cli().run("run", "start", "--framework", "chatdev").out().strip();
    clock.advance(Duration.ofHours(3));
    String second = cli().run("run", "start", "--framework", "chatdev").out().strip();
    return List.of(first, second);
  }

  @Test
  void runListTakesTheOneWindowSyntaxAndItsOlderSpellings() {
    List<String> runs = twoRuns();
    String between = T0.plus(Duration.ofHours(1)).toString();

    assertThat(cli().run("run", "list", "--since", "2h").out())
        .contains(runs.get(1))
        .doesNotContain(runs.get(0));
    assertThat(cli().run("run", "list", "--from", between).out())
        .contains(runs.get(1))
        .doesNotContain(runs.get(0));
    assertThat(cli().run("run", "list", "--to", between).out())
        .contains(runs.get(0))
        .doesNotContain(runs.get(1));
    // older spellings: --since INSTANT, --until, and a duration ago for --to
    assertThat(cli().run("run", "list", "--since", between).out())
        .contains(runs.get(1))
        .doesNotContain(runs.get(0));
    assertThat(cli().run("run", "list", "--until", between).out())
        .contains(runs.get(0))
        .doesNotContain(runs.get(1));
    assertThat(cli().run("run", "list", "--to", "2h").out())
        .contains(runs.get(0))
        .doesNotContain(runs.get(1));
  }

  @Test
  void contradictoryWindowsAreUsageErrors() {
    twoRuns();
    CliHarness.Result both = cli().run("run", "list", "--since", "2h", "--from", T0.toString());
    assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(both.err()).contains("--since and --from both set the start");

    CliHarness.Result twice =
        cli().run("run", "list", "--to", T0.toString(), "--until", T0.toString());
    assertThat(twice.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(twice.err()).contains("--until is the older name of --to");

    CliHarness.Result neither = cli().run("report", "--from", "yesterday");
    assertThat(neither.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(neither.err()).contains("--from 'yesterday' is neither an instant nor a duration");
  }

  @Test
  void everyCommandThatReadsTheConfigurationPrintsItsWarningsOnce() throws Exception {
    // a variable assigned twice in .env is worth a warning, whichever command reads it
    Files.writeString(dir.resolve(".env"), "TOKENLEDGER_MIN_AGE=1h\nTOKENLEDGER_MIN_AGE=2h\n");
    String runId = cli().run("run", "start", "--framework", "chatdev").out().strip();

    for (List<String> command :
        List.of(
            List.of("run", "start", "--framework", "chatdev"),
            List.of("run", "list"),
            List.of("run", "show", runId),
            List.of("run", "end", "--run", runId),
            List.of("report"),
            List.of("prices", "versions"))) {
      CliHarness.Result r = cli().run(command.toArray(String[]::new));
      assertThat(r.exitCode()).as(command + ": " + r.err()).isZero();
      assertThat(r.err().lines().filter(l -> l.contains("TOKENLEDGER_MIN_AGE")))
          .as(String.join(" ", command))
          .hasSize(1)
          .allMatch(l -> l.startsWith("tokenledger: warning: "));
    }
  }
}
