package dev.tokenledger.cli.demo;

import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.TokenLedgerCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs a real tokenledger command inside the demo, as a user would type it, and keeps its output.
 */
final class DemoShell {
  private DemoShell() {}

  /** What a command did: its exit code and what it printed on stdout and stderr. */
  record Output(int exitCode, String out, String err) {}

  static Output run(CliEnvironment env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TokenLedgerCli.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Output(code, out.toString(), err.toString());
  }
}
