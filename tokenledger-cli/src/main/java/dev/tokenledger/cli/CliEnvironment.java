package dev.tokenledger.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What a command may take from the outside world: environment variables, working directory, clock
 * and standard input. Main passes the real ones; tests pass their own, so no command reads {@code
 * System.getenv} or the wall clock directly.
 */
public record CliEnvironment(
    Map<String, String> variables, Path workingDirectory, Clock clock, InputStream stdin) {

  public CliEnvironment {
    variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(stdin, "stdin");
  }

  /** The real process environment, current directory, UTC system clock and stdin. */
  public static CliEnvironment system() {
    return new CliEnvironment(
        System.getenv(), Path.of("").toAbsolutePath(), Clock.systemUTC(), System.in);
  }

  /** A copy with {@code clock} instead. */
  public CliEnvironment withClock(Clock newClock) {
    return new CliEnvironment(variables, workingDirectory, newClock, stdin);
  }

  /** A copy with {@code newVariables} instead. */
  public CliEnvironment withVariables(Map<String, String> newVariables) {
    return new CliEnvironment(newVariables, workingDirectory, clock, stdin);
  }
}
