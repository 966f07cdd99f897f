package dev.tokenledger.cli;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.config.KeyClass;
import dev.tokenledger.ledger.LedgerException;
import dev.tokenledger.openai.ApiUnavailableException;
import dev.tokenledger.openai.BadResponseException;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.openai.UsageKeyAdvice;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
    return report(ex, commandLine.getErr(), stacktraceRequested(parseResult));
  }

  /** Says on {@code err} what {@code ex} means, and returns its exit code. */
  static int report(Exception ex, PrintWriter err, boolean stacktrace) {
    Failure failure = Failure.of(ex);
    err.println("tokenledger: error: " + failure.message());
    if (failure.hint() != null) {
      err.println(failure.hint());
    }
    if (stacktrace) {
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
      if (ex instanceof KeyRefusedException refused) {
        return new Failure(ExitCode.KEY_REFUSED, ex.getMessage(), refusedHint(refused));
      }
      if (ex instanceof ApiUnavailableException unavailable) {
        return new Failure(
            ExitCode.API_FAILURE, ex.getMessage(), unavailableHint(unavailable.reason()));
      }
      if (ex instanceof BadResponseException) {
        return new Failure(ExitCode.API_FAILURE, ex.getMessage(), CHECK_THE_CONNECTION);
      }
      if (ex instanceof OpenAiException) {
        return new Failure(ExitCode.API_FAILURE, ex.getMessage(), null);
      }
      if (ex instanceof LedgerException) {
        // its message names the ledger and what to do; a stack trace would not help the user
        return new Failure(ExitCode.FAILURE, ex.getMessage(), null);
      }
      String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      return new Failure(ExitCode.FAILURE, message, "Run again with -x to see where it happened.");
    }

    private static final String CHECK_THE_CONNECTION =
        "Nothing was changed. Check the network and OPENAI_BASE_URL, then run again;"
            + " 'tokenledger doctor' checks the connection.";

    private static String unavailableHint(ApiUnavailableException.Reason reason) {
      return switch (reason) {
        case RATE_LIMITED ->
            "Nothing was changed. OpenAI's rate limit for the organization's usage reads held"
                + " through every retry: wait a minute or two and run again, ask for a shorter"
                + " window or fewer endpoints, and check whether another tool is reading the"
                + " Usage API with the same organization at the same time.";
        case QUOTA_EXCEEDED ->
            "Nothing was changed. The organization is out of quota (insufficient_quota):"
                + " retrying does not help; add credit or raise the limit under Settings >"
                + " Billing on platform.openai.com, then run again.";
        default -> CHECK_THE_CONNECTION;
      };
    }

    private static String refusedHint(KeyRefusedException refused) {
      return switch (refused.reason()) {
        case MISSING_SCOPES -> {
          // the same advice as doctor's, by the key's class: scopes help admin keys only
          KeyClass keyClass = refused.keyClass().orElse(null);
          List<String> lines = new ArrayList<>(UsageKeyAdvice.why(keyClass));
          lines.add(UsageKeyAdvice.scopesCanHelp(keyClass) ? "Fix it in one of two ways:" : "Fix:");
          for (String fix :
              UsageKeyAdvice.missingScopes(
                  keyClass,
                  refused.missingScopes(),
                  "in .env as OPENAI_ADMIN_KEY",
                  "the command")) {
            lines.add("  " + fix);
          }
          lines.add("'tokenledger doctor' checks every key and scope.");
          yield String.join("\n", lines);
        }
        case INVALID_KEY ->
            "The key is wrong, revoked, or from another organization: check its value in .env"
                + " or the environment ('tokenledger doctor' shows which variable supplied it).";
        case PERMISSION_DENIED ->
            "The key's owner lacks the Owner/Admin role for this: ask an organization owner.";
        case OTHER -> "Run 'tokenledger doctor' to check the keys and scopes.";
      };
    }
  }
}
