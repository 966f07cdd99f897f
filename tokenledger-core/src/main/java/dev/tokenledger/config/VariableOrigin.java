package dev.tokenledger.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a variable's value came from: the process environment, or a line of a {@code .env} file.
 *
 * @param file the {@code .env} file, empty for the environment
 * @param line the 1-based line in that file, 0 for the environment
 */
public record VariableOrigin(Optional<Path> file, int line) {

  /** The process environment. */
  public static final VariableOrigin ENVIRONMENT = new VariableOrigin(Optional.empty(), 0);

  public VariableOrigin {
    if (file.isPresent() != line > 0) {
      throw new IllegalArgumentException("a file origin has a line number, the environment none");
    }
  }

  /** A line of a {@code .env} file. */
  public static VariableOrigin fileLine(Path file, int line) {
    return new VariableOrigin(Optional.of(file), line);
  }

  /** Whether the value came from the process environment. */
  public boolean isEnvironment() {
    return file.isEmpty();
  }

  /** {@code environment} or {@code path/.env:12}. */
  public String describe() {
    return file.map(f -> f + ":" + line).orElse("environment");
  }

  @Override
  public String toString() {
    return describe();
  }
}
