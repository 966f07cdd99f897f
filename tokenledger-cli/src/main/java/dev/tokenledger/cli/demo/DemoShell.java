package dev.tokenledger.cli.demo;

import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.CommandLineFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs a real tokenledger command inside the demo, as a user would type it, and keeps its output.
 */
final class DemoShell {
  private final CommandLineFactory commandLines;

  DemoShell(CommandLineFactory commandLines) {
    this.commandLines = commandLines;
  }

  /** What a command did: its exit code and what it printed on stdout and stderr. */
  record Output(int exitCode, String out, String err) {}

  Output run(CliEnvironment env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = commandLines.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Output(code, out.toString(), err.toString());
  }
}
