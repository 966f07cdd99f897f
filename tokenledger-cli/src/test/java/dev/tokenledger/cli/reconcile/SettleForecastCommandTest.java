package dev.tokenledger.cli.reconcile;

import static dev.tokenledger.cli.reconcile.SimLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.TokenLedgerCli;
import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.sim.ReportingDelay;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * "How long until final?" in the footers of {@code reconcile}, {@code run show} and {@code report},
 * with genai-devbench's names for the settings (issue 14).
 */
class SettleForecastCommandTest {
  @TempDir Path dir;
  private SimLab lab;
  private final Map<String, String> vars = new HashMap<>();

  @BeforeEach
  void start() {
    lab =
        new SimLab(
            LedgerLocation.sqlite(dir.resolve("ledger.db")),
            ReportingDelay.fixed(Duration.ofMinutes(3)));
    vars.put("OPENAI_BASE_URL", lab.sim.baseUrl().toString());
    vars.put("OPENAI_ADMIN_KEY", lab.admin.apiKey().revealForChildProcess());
    vars.put("TOKENLEDGER_DB", dir.resolve("ledger.db").toString());
    vars.put("TOKENLEDGER_MIN_AGE", "30m");
  }

  @AfterEach
  void stop() {
    lab.close();
  }

  record Result(int exitCode, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliEnvironment env =
        new CliEnvironment(
            vars, dir, lab.clock, new ByteArrayInputStream(new byte[0]), lab.clock::advance);
    CommandLine cli = TokenLedgerCli.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** A chatdev run ending 10:01:30 and a baes run ending 10:01:35; the clock at 10:02. */
  private List<String> twoRuns() {
    for (int i = 0; i < 4; i++) {
      lab.chat("chatdev", T0.plusSeconds(10 + 20L * i));
      lab.chat("baes", T0.plusSeconds(12 + 20L * i));
    }
    String a = lab.run("chatdev", T0, T0.plusSeconds(90));
    String b = lab.run("baes", T0.plusSeconds(2), T0.plusSeconds(95));
    lab.clock.set(T0.plusSeconds(120));
    return List.of(a, b);
  }

  @Test
  void pendingAndSettlingRunsSayWhenTheyCanBeFinalWithGenaiDevbenchsSettingNames() {
    List<String> runs = twoRuns();
    vars.put("RECONCILIATION_MIN_STABLE_VERIFICATIONS", "2");
    vars.put("RECONCILIATION_VERIFICATION_INTERVAL_MIN", "10");

    Result pending = run("reconcile");
    Result show = run("run", "show", runs.get(0));
    Result report = run("report", "--by", "framework");

    // ended 10:01:35 + min-age 30m, then a second identical read 10 minutes later
    String footer =
        "Not final yet: 2 runs (pending or settling); all final at the earliest 10:41 UTC, in 40"
            + " minutes (min-age 30m, 2 identical reads 10m apart, and the reads so far).";
    assertThat(pending.exitCode()).as(pending.err()).isZero();
    assertThat(pending.out()).contains("2 runs: 2 pending").contains(footer);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out())
        .contains(
            "Not final yet: 1 run (pending or settling); final at the earliest 10:41 UTC, in 40"
                + " minutes (min-age 30m, 2 identical reads 10m apart, and the reads so far).");
    assertThat(report.exitCode()).as(report.err()).isZero();
    assertThat(report.out()).contains(footer);

    // the first read that counts: one more, 10 minutes later
    lab.clock.set(T0.plus(Duration.ofMinutes(35)));
    Result settling = run("reconcile");
    assertThat(settling.out())
        .contains("2 runs: 2 settling")
        .contains("all final at the earliest 10:45 UTC, in 10 minutes");

    lab.clock.set(T0.plus(Duration.ofMinutes(45)));
    Result done = run("reconcile");
    assertThat(done.out()).contains("2 runs: 2 final").doesNotContain("Not final yet");
    assertThat(run("run", "show", runs.get(0)).out()).doesNotContain("Not final yet");
  }

  @Test
  void anIntervalUnderTheFloorIsRaisedToOneSecondWithAWarning() {
    twoRuns();
    vars.put("RECONCILIATION_VERIFICATION_INTERVAL_MIN", "0.001");
    vars.put("RECONCILIATION_MIN_STABLE_VERIFICATIONS", "2");

    Result r = run("reconcile");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err())
        .contains(
            "tokenledger: warning: RECONCILIATION_VERIFICATION_INTERVAL_MIN (from environment) is"
                + " 0.001 minutes, under tokenledger's floor of 1 s between reads; 1s is used");
    assertThat(r.out()).contains("2 identical reads 1s apart");
  }

  @Test
  void anIntervalThatIsNotANumberOfMinutesIsAConfigurationError() {
    twoRuns();
    vars.put("RECONCILIATION_VERIFICATION_INTERVAL_MIN", "5m");

    Result r = run("reconcile");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .contains("RECONCILIATION_VERIFICATION_INTERVAL_MIN='5m'")
        .contains("is not a number of minutes: write it as 5 or 0.5");
  }
}
