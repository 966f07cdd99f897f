package dev.tokenledger.cli;

import dev.tokenledger.cli.costs.CostsCommand;
import dev.tokenledger.cli.demo.DemoCommand;
import dev.tokenledger.cli.doctor.DoctorCommand;
import dev.tokenledger.cli.imports.ImportCommand;
import dev.tokenledger.cli.prices.PricesCommand;
import dev.tokenledger.cli.proxy.ProxyCommand;
import dev.tokenledger.cli.reconcile.ReconcileCommand;
import dev.tokenledger.cli.report.ReportCommand;
import dev.tokenledger.cli.run.PlainExecArguments;
import dev.tokenledger.cli.run.RunCommand;
import dev.tokenledger.cli.run.RunEndCommand;
import dev.tokenledger.cli.run.RunExecCommand;
import dev.tokenledger.cli.run.RunListCommand;
import dev.tokenledger.cli.run.RunShowCommand;
import dev.tokenledger.cli.run.RunStartCommand;
import dev.tokenledger.cli.run.RunStepCommand;
import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.sim.SimCommand;
import dev.tokenledger.cli.usage.UsageCommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Builds the command line: the root command, its subcommands, the error handling.
 *
 * <p>picocli reads the annotations of every command it is given, which was a third of the start-up
 * of a short command such as {@code run exec}; so {@link #commandLine(CliEnvironment, String...)}
 * builds only the commands its arguments can reach. {@code run}'s subcommands are added here rather
 * than in its {@code @Command} for the same reason: a harness calls {@code run exec}, {@code run
 * start} and {@code run end} once per step.
 */
public final class TokenLedgerCli {
  private TokenLedgerCli() {}

  /** The root's subcommands, in the order its usage lists them. */
  static final List<String> SUBCOMMANDS =
      List.of(
          "demo",
          "doctor",
          "usage",
          "run",
          "reconcile",
          "costs",
          "report",
          "prices",
          "import",
          "proxy",
          "sim");

  /**
   * The commands that open a ledger: {@link Main} has the SQLite driver's set-up start in the
   * background while they parse ({@code Ledger.prepareToOpen}).
   */
  static final Set<String> LEDGER_COMMANDS =
      Set.of("run", "reconcile", "costs", "report", "import", "proxy");

  /** {@code run}'s subcommands, in the order its usage lists them. */
  static final List<String> RUN_SUBCOMMANDS =
      List.of("exec", "start", "step", "end", "list", "show");

  /**
   * Executes {@code args} over {@code environment}, writing to {@code out} and {@code err}, and
   * returns the exit code. {@code run exec} in the plain form a harness runs at every step is read
   * and run without building picocli's model ({@link PlainExecArguments}); everything else goes
   * through {@link #commandLine(CliEnvironment, String...)}, the annotations of the commands it
   * builds read ahead on a thread of their own ({@link AnnotationsAhead}).
   */
  public static int execute(
      CliEnvironment environment, PrintWriter out, PrintWriter err, String... args) {
    Optional<PlainExecArguments> plain = PlainExecArguments.read(args);
    if (plain.isEmpty()) {
      AnnotationsAhead.start(commandsFor(args));
      return commandLine(environment, out, err, args).execute(args);
    }
    CommandContext.WithoutPicocli direct =
        new CommandContext.WithoutPicocli(
            out, err, () -> runExec(commandLine(environment, out, err, args)));
    try {
      return plain.get().command(environment, direct).call();
    } catch (CommandLine.ParameterException e) {
      return new ErrorHandler().handleParseException(e, args);
    } catch (RuntimeException e) {
      return ErrorHandler.report(e, err, false); // -x is an option of the root: not plain
    }
  }

  private static CommandLine commandLine(
      CliEnvironment environment, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(environment, args);
    cli.setOut(out);
    cli.setErr(err);
    return cli;
  }

  private static CommandLine runExec(CommandLine root) {
    return root.getSubcommands().get("run").getSubcommands().get("exec");
  }

  /** A ready-to-execute command line over {@code environment}, with every command. */
  public static CommandLine commandLine(CliEnvironment environment) {
    CommandLine cli = root(environment);
    for (String name : SUBCOMMANDS) {
      add(cli, name, null);
    }
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
    completion.getCommandSpec().usageMessage().hidden(false);
    completion
        .getCommandSpec()
        .usageMessage()
        .description("Print a bash/zsh completion script (source <(tokenledger completion)).");
    cli.addSubcommand("completion", completion);
    return configured(cli);
  }

  /**
   * A command line that executes {@code args} exactly as {@link #commandLine(CliEnvironment)}
   * would, holding only the commands they name. The whole tree (or the whole of {@code run}) is
   * built whenever its usage may show: no command, help, completion, a mistyped command's
   * suggestions.
   */
  public static CommandLine commandLine(CliEnvironment environment, String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return configured(root(environment));
    }
    List<String> named = named(args);
    if (named.isEmpty()) {
      return commandLine(environment);
    }
    CommandLine cli = root(environment);
    add(cli, named.get(0), named.size() > 1 ? args[1] : null);
    return configured(cli);
  }

  /**
   * The commands {@code args} name, by path: none, one ({@code "report"}), or {@code "run"} and one
   * of its subcommands ({@code "run exec"}).
   */
  private static List<String> named(String... args) {
    if (args.length == 0 || !SUBCOMMANDS.contains(args[0])) {
      return List.of();
    }
    if (args[0].equals("run") && args.length > 1 && RUN_SUBCOMMANDS.contains(args[1])) {
      return List.of("run", "run " + args[1]);
    }
    return List.of(args[0]);
  }

  /**
   * The annotated command classes {@link #execute} builds for {@code args} ({@link
   * AnnotationsAhead} reads their annotations ahead): the command (and {@code run} subcommand) they
   * name; the root is built without annotations. None when they name none (the whole tree is then
   * built to show its usage, where a few milliseconds do not matter), and none for plain {@code run
   * exec} arguments, run without picocli.
   */
  static List<Class<?>> commandsFor(String... args) {
    if (PlainExecArguments.read(args).isPresent()) {
      return List.of(); // run without picocli
    }
    List<Class<?>> commands = new ArrayList<>();
    for (String path : named(args)) {
      commands.add(command(path));
    }
    return commands;
  }

  private static CommandLine root(CliEnvironment environment) {
    return new CommandLine(
        TokenLedgerCommand.spec(), new CommandFactory(environment, TokenLedgerCli::commandLine));
  }

  /** Adds command {@code name}; of {@code run}, only subcommand {@code only} when not null. */
  private static void add(CommandLine parent, String name, String only) {
    parent.addSubcommand(command(name));
    if (name.equals("run")) {
      CommandLine run = parent.getSubcommands().get(name);
      for (String sub : only != null ? List.of(only) : RUN_SUBCOMMANDS) {
        run.addSubcommand(command("run " + sub));
      }
    }
  }

  /** The command class at {@code path} (a test checks each against its {@code @Command} name). */
  static Class<?> command(String path) {
    return switch (path) {
      case "demo" -> DemoCommand.class;
      case "doctor" -> DoctorCommand.class;
      case "usage" -> UsageCommand.class;
      case "run" -> RunCommand.class;
      case "run exec" -> RunExecCommand.class;
      case "run start" -> RunStartCommand.class;
      case "run step" -> RunStepCommand.class;
      case "run end" -> RunEndCommand.class;
      case "run list" -> RunListCommand.class;
      case "run show" -> RunShowCommand.class;
      case "reconcile" -> ReconcileCommand.class;
      case "costs" -> CostsCommand.class;
      case "report" -> ReportCommand.class;
      case "prices" -> PricesCommand.class;
      case "import" -> ImportCommand.class;
      case "proxy" -> ProxyCommand.class;
      case "sim" -> SimCommand.class;
      default -> throw new IllegalArgumentException("no command " + path);
    };
  }

  /** Settings applied once every command is in: picocli hands them down to the subcommands. */
  private static CommandLine configured(CommandLine cli) {
    ErrorHandler errors = new ErrorHandler();
    cli.setExecutionExceptionHandler(errors);
    cli.setParameterExceptionHandler(errors);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setUsageHelpAutoWidth(true);
    // arguments are taken as given: picocli would otherwise replace any "@file" (even one after
    // "--", meant for run exec's command, as in curl -d @body.json) with the file's content
    cli.setExpandAtFiles(false);
    return cli;
  }
}
