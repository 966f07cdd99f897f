package dev.tokenledger.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.TokenLedgerCli;
import dev.tokenledger.cli.shared.CliEnvironment;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo's reconcile section settles every run, ghspec's shared minutes included. */
class DemoReconcileTest {
  @TempDir Path dir;

  @Test
  void theDemoReconcilesEveryRunToFinalFiguresAndShowsGhspecsSharedMinutes() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        TokenLedgerCli.commandLine(
            new CliEnvironment(
                Map.of(), dir, Clock.systemUTC(), new ByteArrayInputStream(new byte[0])));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute("demo");

    assertThat(code).as(err.toString()).isZero();
    String text = out.toString();
    String section =
        text.substring(text.indexOf("== 6. Reconcile"), text.indexOf("== What to look at"));
    assertThat(section)
        .contains("$ tokenledger reconcile --watch --timeout 1h")
        .contains("reconcile: pass 1 at ", "settling")
        .contains("6 runs: 6 final")
        .contains("ghspec", "3 steps apportioned")
        .contains("Shared minutes:", "with steps")
        .contains("Every run is final, and its figures equal what the simulator served ✔")
        .doesNotContain("✖");
  }
}
