package dev.tokenledger.cli.shared;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.MeterSpill;
import java.io.PrintWriter;
import java.nio.file.Files;
import picocli.CommandLine.Option;

/**
 * The option of every command that reads or writes the ledger ({@code --db}); the command opens the
 * ledger through its {@link CommandContext}.
 */
public final class LedgerMixin {
  @Option(
      names = "--db",
      paramLabel = "PATH|URL",
      description =
          "The ledger: a SQLite file, jdbc:sqlite:PATH or jdbc:postgresql://HOST/DB."
              + " Default: TOKENLEDGER_DB, else .tokenledger/ledger.db.")
  String db;

  /** {@code --db} as given (null when not), for a command picocli did not build. */
  public static LedgerMixin of(String db) {
    LedgerMixin options = new LedgerMixin();
    options.db = db;
    return options;
  }

  /** {@code --db} as given, null when it was not. */
  public String db() {
    return db;
  }

  /** The ledger named by {@code --db}, else by the configuration. */
  public LedgerLocation location(CommandContext context) {
    return LedgerLocation.resolve(
        db != null ? db : context.config().database(), context.environment().workingDirectory());
  }

  /** The file where metered requests go when the ledger cannot be written. */
  public MeterSpill meterSpill(CommandContext context) {
    return MeterSpill.of(location(context), context.environment().workingDirectory());
  }

  /**
   * Whether the ledger is a SQLite file that does not exist yet: opening it would create it, which
   * a command that only reads must not do.
   */
  public boolean missing(CommandContext context) {
    LedgerLocation location = location(context);
    return location.kind() == LedgerLocation.Kind.SQLITE && !Files.exists(location.sqliteFile());
  }

  /**
   * Opens an existing ledger for a command that reads what was recorded: where there is none (a
   * wrong folder, a mistyped {@code --db}) it says where it looked instead of creating one.
   *
   * @throws ConfigurationException when the ledger is a SQLite file that does not exist
   */
  Ledger openExisting(CommandContext context) {
    if (missing(context)) {
      throw new ConfigurationException(
          "there is no ledger at "
              + location(context).displayName()
              + ": run tokenledger in the experiment folder that holds .tokenledger/, or name the"
              + " ledger with --db or TOKENLEDGER_DB");
    }
    return open(context);
  }

  /**
   * Opens the ledger on the environment's clock, replaying metered requests its spill file holds
   * (docs/metering.md); background warnings go to stderr.
   */
  Ledger open(CommandContext context) {
    PrintWriter err = context.err();
    return Ledger.builder(location(context))
        .clock(context.environment().clock())
        .meterSpill(meterSpill(context))
        .warnings(
            line -> {
              err.println(line);
              err.flush();
            })
        .open();
  }
}
