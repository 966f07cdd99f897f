package dev.tokenledger.cli;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.ledger.LedgerException;
import dev.tokenledger.openai.ApiUnavailableException;
import dev.tokenledger.openai.BadResponseException;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiException;
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
      if (ex instanceof KeyRefusedException refused) {
        return new Failure(ExitCode.KEY_REFUSED, ex.getMessage(), refusedHint(refused));
      }
      if (ex instanceof ApiUnavailableException unavailable
          && unavailable.reason() == ApiUnavailableException.Reason.RATE_LIMITED) {
        return new Failure(
            ExitCode.API_FAILURE,
            ex.getMessage(),
            "Nothing was changed. OpenAI's rate limit for the organization's usage reads held"
                + " through every retry: wait a minute or two and run again, ask for a shorter"
                + " window or fewer endpoints, and check whether another tool is reading the"
                + " Usage API with the same organization at the same time.");
      }
      if (ex instanceof ApiUnavailableException unavailable
          && unavailable.reason() == ApiUnavailableException.Reason.QUOTA_EXCEEDED) {
        return new Failure(
            ExitCode.API_FAILURE,
            ex.getMessage(),
            "Nothing was changed. The organization is out of quota (insufficient_quota):"
                + " retrying does not help; add credit or raise the limit under Settings >"
                + " Billing on platform.openai.com, then run again.");
      }
      if (ex instanceof ApiUnavailableException || ex instanceof BadResponseException) {
        return new Failure(
            ExitCode.API_FAILURE,
            ex.getMessage(),
            "Nothing was changed. Check the network and OPENAI_BASE_URL, then run again;"
                + " 'tokenledger doctor' checks the connection.");
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

    private static String refusedHint(KeyRefusedException refused) {
      return switch (refused.reason()) {
        case MISSING_SCOPES ->
            "Fix it in one of two ways:\n"
                + "  1. Grant the key the scope"
                + (refused.missingScopes().size() > 1 ? "s " : " ")
                + String.join(", ", refused.missingScopes())
                + " (platform.openai.com → API keys → the key's permissions; Usage: Read),"
                + " wait 1-2 minutes for it to take effect, and run again; or\n"
                + "  2. Have an organization owner create an admin key (Settings → Admin keys)"
                + " with api.usage.read (and api.organization.read for key names), and put it in"
                + " .env as OPENAI_ADMIN_KEY.\n"
                + "'tokenledger doctor' checks every key and scope.";
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
