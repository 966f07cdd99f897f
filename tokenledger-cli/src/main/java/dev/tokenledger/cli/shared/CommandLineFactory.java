package dev.tokenledger.cli.shared;

import picocli.CommandLine;

/**
 * Builds the whole command line over an environment. The demo runs real commands through one it is
 * handed, so no command imports the root command (which imports every command).
 */
@FunctionalInterface
public interface CommandLineFactory {
  /** A ready-to-execute command line over {@code environment}. */
  CommandLine commandLine(CliEnvironment environment);
}
