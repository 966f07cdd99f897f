package dev.tokenledger.cli;

import dev.tokenledger.config.ConfigOptions;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of every command that reads or writes the ledger ({@code --db}, {@code --env-file}),
 * as a picocli mixin, and how they turn into a configuration and an open ledger.
 */
public final class LedgerOptions {
  @Option(
      names = "--db",
      paramLabel = "PATH|URL",
      description =
          "The ledger: a SQLite file, jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB."
              + " Default: TOKENLEDGER_DB, else .tokenledger/ledger.db.")
  String db;

  @Option(
      names = "--env-file",
      paramLabel = "FILE",
      description = "Read variables from FILE instead of ./.env.")
  Path envFile;

  /** The configuration of {@code environment}, with this command's {@code --env-file}. */
  public TokenLedgerConfig config(CliEnvironment environment) {
    ConfigOptions options =
        envFile == null ? ConfigOptions.DEFAULTS : ConfigOptions.DEFAULTS.withEnvFile(envFile);
    return TokenLedgerConfig.load(environment.variables(), environment.workingDirectory(), options);
  }

  /** The ledger named by {@code --db}, else by the configuration. */
  public LedgerLocation location(CliEnvironment environment, TokenLedgerConfig config) {
    return LedgerLocation.resolve(
        db != null ? db : config.database(), environment.workingDirectory());
  }

  /** Opens the ledger on the environment's clock; background warnings go to {@code err}. */
  public Ledger open(CliEnvironment environment, TokenLedgerConfig config, PrintWriter err) {
    return Ledger.builder(location(environment, config))
        .clock(environment.clock())
        .warnings(
            line -> {
              err.println(line);
              err.flush();
            })
        .open();
  }
}
