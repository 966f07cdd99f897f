package dev.tokenledger.cli;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.MeterSpill;
import java.io.PrintWriter;
import java.nio.file.Files;
import picocli.CommandLine.Option;

/** The option of every command that reads or writes the ledger ({@code --db}), and opening it. */
public final class LedgerMixin {
  @Option(
      names = "--db",
      paramLabel = "PATH|URL",
      description =
          "The ledger: a SQLite file, jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB."
              + " Default: TOKENLEDGER_DB, else .tokenledger/ledger.db.")
  String db;

  /** The ledger named by {@code --db}, else by the configuration. */
  public LedgerLocation location(CliEnvironment environment, TokenLedgerConfig config) {
    return LedgerLocation.resolve(
        db != null ? db : config.database(), environment.workingDirectory());
  }

  /** The file where metered requests go when the ledger cannot be written. */
  public MeterSpill meterSpill(CliEnvironment environment, TokenLedgerConfig config) {
    return MeterSpill.of(location(environment, config), environment.workingDirectory());
  }

  /**
   * Whether the ledger is a SQLite file that does not exist yet: opening it would create it, which
   * a command that only reads must not do.
   */
  public boolean missing(CliEnvironment environment, TokenLedgerConfig config) {
    LedgerLocation location = location(environment, config);
    return location.kind() == LedgerLocation.Kind.SQLITE && !Files.exists(location.sqliteFile());
  }

  /**
   * Opens an existing ledger for a command that reads what was recorded: where there is none (a
   * wrong folder, a mistyped {@code --db}) it says where it looked instead of creating one.
   *
   * @throws ConfigurationException when the ledger is a SQLite file that does not exist
   */
  public Ledger openExisting(
      CliEnvironment environment, TokenLedgerConfig config, PrintWriter err) {
    if (missing(environment, config)) {
      throw new ConfigurationException(
          "there is no ledger at "
              + location(environment, config).displayName()
              + ": run tokenledger in the experiment folder that holds .tokenledger/, or name the"
              + " ledger with --db or TOKENLEDGER_DB");
    }
    return open(environment, config, err);
  }

  /**
   * Opens the ledger on the environment's clock, replaying metered requests its spill file holds
   * (docs/metering.md); background warnings go to {@code err}.
   */
  public Ledger open(CliEnvironment environment, TokenLedgerConfig config, PrintWriter err) {
    return Ledger.builder(location(environment, config))
        .clock(environment.clock())
        .meterSpill(meterSpill(environment, config))
        .warnings(
            line -> {
              err.println(line);
              err.flush();
            })
        .open();
  }
}
