package dev.tokenledger.cli;

import dev.tokenledger.ConfigurationException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place that turns an exception into an exit code and a message: one line {@code
 * tokenledger: error: …} on stderr, a hint on the next line when there is one, and the stack trace
 * only under {@code -x/--stacktrace}.
 */
final class ErrorHandler
    implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    Failure failure = Failure.of(ex);
    err.println("tokenledger: error: " + failure.message());
    if (failure.hint() != null) {
      err.println(failure.hint());
    }
    if (stacktraceRequested(parseResult)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return failure.exitCode();
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("tokenledger: error: " + ex.getMessage());
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
      err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    }
    err.flush();
    return ExitCode.USAGE;
  }

  private static boolean stacktraceRequested(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult root = parseResult;
    while (root != null) {
      if (root.hasMatchedOption("--stacktrace")) {
        return true;
      }
      root = root.hasSubcommand() ? root.subcommand() : null;
    }
    return false;
  }

  /** What an exception means for the user: exit code, message, and what to do about it. */
  record Failure(int exitCode, String message, String hint) {
    static Failure of(Throwable ex) {
      if (ex instanceof ConfigurationException) {
        return new Failure(ExitCode.CONFIG, ex.getMessage(), null);
      }
      if (ex instanceof CommandLine.ParameterException) {
        return new Failure(ExitCode.USAGE, ex.getMessage(), null);
      }
      String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      return new Failure(ExitCode.FAILURE, message, "Run again with -x to see where it happened.");
    }
  }
}
