package dev.tokenledger.cli.run;

import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.ConfigMixin;
import dev.tokenledger.cli.shared.LedgerMixin;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code run exec}'s arguments read without picocli's model, when they are in the plain form a
 * harness runs at every step: {@code run exec}, the command's own options, each at most once as
 * {@code --name value} or {@code --name=value} (flags bare) with a value that is not empty and does
 * not start with {@code -}, then {@code --} and the command. Building picocli's model of {@code run
 * exec} was more than a third of its time (docs/performance.md, "run exec reads plain arguments
 * itself").
 *
 * <p>Anything else (help, a mistake, an option of {@code tokenledger} or {@code run}) is not read
 * here, and picocli reads and reports it as always. {@code PlainExecArgumentsTest} holds the two
 * readings equal wherever this one reads.
 */
public final class PlainExecArguments {
  /** The options read with a value: every option of {@code run exec} that takes one. */
  static final List<String> OPTIONS =
      List.of(
          "--framework",
          "--experiment",
          "--label",
          "--run",
          "--step",
          "--name",
          "--env-file",
          "--admin-key-env",
          "--db");

  /** The flags read: every one of {@code run exec} but -h and -V. */
  static final List<String> FLAGS = List.of("--new-run", "--fence", "--meter");

  /** Each option's value, "" for a flag. */
  private final Map<String, String> given;

  private final List<String> command;

  private PlainExecArguments(Map<String, String> given, List<String> command) {
    this.given = given;
    this.command = command;
  }

  /** {@code args} (the whole command line) read, when they are plain. */
  public static Optional<PlainExecArguments> read(String... args) {
    if (args.length < 4 || !args[0].equals("run") || !args[1].equals("exec") || tunedPicocli()) {
      return Optional.empty();
    }
    Map<String, String> given = new HashMap<>();
    int i = 2;
    for (; i < args.length && !args[i].equals("--"); i++) {
      String arg = args[i];
      int equals = arg.indexOf('=');
      String option = equals < 0 ? arg : arg.substring(0, equals);
      String value;
      if (FLAGS.contains(option) && equals < 0) {
        value = "";
      } else if (!OPTIONS.contains(option)) {
        return Optional.empty();
      } else if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (++i < args.length) {
        value = args[i];
      } else {
        return Optional.empty();
      }
      boolean usable = FLAGS.contains(option) || !(value.isEmpty() || value.startsWith("-"));
      if (!usable || given.put(option, value) != null) {
        return Optional.empty();
      }
    }
    List<String> command = i < args.length ? List.of(args).subList(i + 1, args.length) : List.of();
    String step = given.get("--step");
    if (command.isEmpty()
        || !given.containsKey("--framework")
        || (given.containsKey("--run") && given.containsKey("--new-run"))
        || (step != null && !isStep(step))
        || !isPath(given.get("--env-file"))) {
      return Optional.empty();
    }
    return Optional.of(new PlainExecArguments(given, command));
  }

  /**
   * A step index picocli reads as the same number: digits only, no leading zero, within an int (a
   * regular expression would cost every command its compilation).
   */
  private static boolean isStep(String value) {
    if (value.isEmpty() || value.length() > 9 || value.charAt(0) == '0') {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isPath(String value) {
    if (value == null) {
      return true;
    }
    try {
      Path.of(value);
      return true;
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /**
   * Whether a {@code picocli.*} system property is set ({@code picocli.trimQuotes}, {@code
   * picocli.trace}, …, through {@code TOKENLEDGER_JAVA_OPTS}): picocli then reads or reports
   * differently, so it reads.
   */
  private static boolean tunedPicocli() {
    for (Object name : System.getProperties().keySet()) {
      if (name instanceof String s && s.startsWith("picocli.")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The command these arguments give, as picocli would have built it, writing where {@code direct}
   * says.
   */
  public RunExecCommand command(CliEnvironment environment, CommandContext.WithoutPicocli direct) {
    RunExecCommand exec = new RunExecCommand();
    exec.newRun = new NewRunMixin();
    exec.newRun.framework = given.get("--framework");
    exec.newRun.experiment = given.get("--experiment");
    exec.newRun.label = given.get("--label");
    if (given.containsKey("--run") || given.containsKey("--new-run")) {
      exec.runChoice = new RunExecCommand.RunChoice();
      exec.runChoice.runId = given.get("--run");
      exec.runChoice.newRun = given.containsKey("--new-run");
    }
    String step = given.get("--step");
    exec.step = step == null ? null : Integer.valueOf(step);
    exec.name = given.get("--name");
    exec.fence = given.containsKey("--fence");
    exec.meter = given.containsKey("--meter");
    String envFile = given.get("--env-file");
    ConfigMixin configOptions =
        ConfigMixin.of(envFile == null ? null : Path.of(envFile), given.get("--admin-key-env"));
    exec.context = CommandContext.withoutPicocli(environment, configOptions, direct);
    exec.ledgerOptions = LedgerMixin.of(given.get("--db"));
    exec.command = List.copyOf(command);
    return exec;
  }
}
