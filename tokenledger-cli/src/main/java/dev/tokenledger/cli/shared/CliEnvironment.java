package dev.tokenledger.cli.shared;

import dev.tokenledger.openai.Sleeper;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What a command may take from the outside world: environment variables, working directory, clock,
 * a way to wait, and standard input. Main passes the real ones; tests and the demo pass their own
 * (a simulated clock and a sleeper that advances it), so no command reads {@code System.getenv},
 * the wall clock or {@code Thread.sleep} directly.
 */
public record CliEnvironment(
    Map<String, String> variables,
    Path workingDirectory,
    Clock clock,
    InputStream stdin,
    Sleeper sleeper) {

  public CliEnvironment {
    variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(sleeper, "sleeper");
  }

  /** An environment that waits for real. */
  public CliEnvironment(
      Map<String, String> variables, Path workingDirectory, Clock clock, InputStream stdin) {
    this(variables, workingDirectory, clock, stdin, Sleeper.system());
  }

  /** The real process environment, current directory, UTC system clock and stdin. */
  public static CliEnvironment system() {
    return new CliEnvironment(
        System.getenv(), Path.of("").toAbsolutePath(), Clock.systemUTC(), System.in);
  }

  /** A copy with {@code clock} instead. */
  public CliEnvironment withClock(Clock newClock) {
    return new CliEnvironment(variables, workingDirectory, newClock, stdin, sleeper);
  }

  /** A copy with {@code newVariables} instead. */
  public CliEnvironment withVariables(Map<String, String> newVariables) {
    return new CliEnvironment(newVariables, workingDirectory, clock, stdin, sleeper);
  }

  /** A copy that waits with {@code newSleeper}. */
  public CliEnvironment withSleeper(Sleeper newSleeper) {
    return new CliEnvironment(variables, workingDirectory, clock, stdin, newSleeper);
  }
}
