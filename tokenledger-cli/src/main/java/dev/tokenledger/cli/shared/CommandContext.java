package dev.tokenledger.cli.shared;

import dev.tokenledger.config.ConfigWarning;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.openai.OpenAiAdminClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What a command works with, mixed into every command that reads the configuration: the
 * environment, stdout and stderr, the configuration (loaded once, its warnings printed once on
 * stderr), the ledger and the API clients. It brings the configuration's options ({@code
 * --env-file}, {@code --admin-key-env}); the ledger's ({@code --db}) come with {@link LedgerMixin}.
 */
public final class CommandContext {
  private final CliEnvironment environment;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Mixin ConfigMixin configOptions;

  /** Set for a command run without picocli's model; null under picocli. */
  private final WithoutPicocli direct;

  private TokenLedgerConfig config;

  public CommandContext(CliEnvironment environment) {
    this(environment, null, null);
  }

  private CommandContext(
      CliEnvironment environment, ConfigMixin configOptions, WithoutPicocli direct) {
    this.direct = direct;
    this.environment = environment;
    this.configOptions = configOptions;
  }

  /**
   * Where a command run without picocli's model ({@code run exec}'s plain arguments) writes, and
   * its command line, built only if the command reports a usage error (none of {@code run exec}'s
   * can happen on plain arguments today; this keeps {@link #usageError} working if one is added).
   */
  public record WithoutPicocli(
      PrintWriter out, PrintWriter err, Supplier<CommandLine> commandLine) {}

  /** The context of a command that picocli did not build, with the options it was given. */
  public static CommandContext withoutPicocli(
      CliEnvironment environment, ConfigMixin configOptions, WithoutPicocli direct) {
    return new CommandContext(environment, configOptions, direct);
  }

  /** The outside world the command may use. */
  public CliEnvironment environment() {
    return environment;
  }

  /** Now, on the environment's clock. */
  public Instant now() {
    return environment.clock().instant();
  }

  /** Where data goes. */
  public PrintWriter out() {
    return direct != null ? direct.out() : mixee.commandLine().getOut();
  }

  /** Where everything else goes: warnings, progress, errors. */
  public PrintWriter err() {
    return direct != null ? direct.err() : mixee.commandLine().getErr();
  }

  /** The options {@code --env-file} and {@code --admin-key-env}, for code that loads its own. */
  public ConfigMixin configOptions() {
    return configOptions;
  }

  /**
   * The configuration: {@code .env} overlaid by the environment's variables, loaded on first use;
   * its warnings that matter are printed then, once, on stderr.
   */
  public TokenLedgerConfig config() {
    if (config == null) {
      config =
          TokenLedgerConfig.load(
              environment.variables(), environment.workingDirectory(), configOptions.options());
      PrintWriter err = err();
      for (ConfigWarning w : config.warnings()) {
        if (w.severity() != ConfigWarning.Severity.INFO) {
          err.println("tokenledger: warning: " + w.message() + "; " + w.fix());
        }
      }
      err.flush();
    }
    return config;
  }

  /** {@code file} as the user meant it: relative to the configuration's working directory. */
  public Path resolve(Path file) {
    return Services.resolve(config(), file);
  }

  /** The ledger {@code --db} names, else the configuration's; opened (and created) now. */
  public Ledger openLedger(LedgerMixin options) {
    return options.open(this);
  }

  /** The existing ledger {@code --db} names, for a command that reads: never created. */
  public Ledger openExistingLedger(LedgerMixin options) {
    return options.openExisting(this);
  }

  /** A client for the organization endpoints, with the usage key. */
  public OpenAiAdminClient adminClient() {
    return Services.adminClient(environment, config(), config().usageKey());
  }

  /** A client for the organization endpoints that says on stderr why it waits before a retry. */
  public OpenAiAdminClient adminClientTellingRetries() {
    return Services.adminClient(environment, config(), config().usageKey(), err());
  }

  /** A client for the organization endpoints when a usage key is configured, else {@code null}. */
  public OpenAiAdminClient adminClientIfConfigured() {
    return Services.adminClientIfConfigured(environment, config());
  }

  /** Prints {@code tokenledger: warning: line} on stderr at once. */
  public void warn(String line) {
    PrintWriter err = err();
    err.println("tokenledger: warning: " + line);
    err.flush();
  }

  /** A usage error (exit 2) on this command, saying what is wrong and what to do. */
  public CommandLine.ParameterException usageError(String message) {
    return new CommandLine.ParameterException(
        direct != null ? direct.commandLine().get() : mixee.commandLine(), message);
  }
}
