package dev.tokenledger.cli;

import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.openai.Sleeper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs tokenledger commands in-process with a chosen environment, capturing stdout and stderr. */
public final class CliHarness {
  private final Map<String, String> variables = new HashMap<>();
  private final Path workingDirectory;
  private Clock clock = Clock.systemUTC();
  private final List<Duration> waits = new ArrayList<>();
  private Sleeper onWait = wait -> {};

  public CliHarness(Path workingDirectory) {
    this.workingDirectory = workingDirectory;
  }

  public CliHarness env(String name, String value) {
    variables.put(name, value);
    return this;
  }

  public CliHarness clock(Clock newClock) {
    this.clock = newClock;
    return this;
  }

  /** Also hands every wait to {@code sleeper} (a test that moves its clock by it). */
  public CliHarness sleeper(Sleeper sleeper) {
    this.onWait = sleeper;
    return this;
  }

  /** Every wait a command asked for; the harness never sleeps for real. */
  public List<Duration> waits() {
    return waits;
  }

  public Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliEnvironment environment =
        new CliEnvironment(
            variables,
            workingDirectory,
            clock,
            new ByteArrayInputStream(new byte[0]),
            wait -> {
              waits.add(wait);
              onWait.sleep(wait);
            });
    int code =
        TokenLedgerCli.execute(
            environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** What a command did: its exit code and everything it printed. */
  public record Result(int exitCode, String out, String err) {}
}
