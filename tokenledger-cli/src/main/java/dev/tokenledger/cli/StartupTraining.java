package dev.tokenledger.cli;

import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.ledger.Ledger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.sqlite.util.OSInfo;

/**
 * The launcher's training run (docs/performance.md): the {@code tokenledger} script runs this once
 * per build under {@code -XX:DumpLoadedClassList}, so that the classes the usual short commands
 * load are read from a class-data sharing archive rather than from the jar. It runs those commands
 * in one JVM on a throwaway ledger, with a made-up key; nothing leaves the machine.
 *
 * <p>Two runs, so that the archive holds what a command loads on a ledger that already exists (the
 * case of every command but the first): {@code --setup <native-folder> <folder>} copies the SQLite
 * driver's native library into {@code native-folder} (the launcher hands it to the driver, {@code
 * org.sqlite.lib.path}, which otherwise copies it out of the jar into the temporary folder on every
 * start) and creates the ledger in {@code folder}, which loads Flyway and the Jackson it uses; then
 * {@code <folder>}, the recorded run, runs the commands on that ledger. The launcher deletes the
 * folder.
 */
public final class StartupTraining {
  private StartupTraining() {}

  private static final String FRAMEWORK = "training";

  private static final List<String> EXEC =
      List.of("run", "exec", "--framework", FRAMEWORK, "--", "true");

  /**
   * The commands trained: the short ones a harness calls once per step, where start-up is most of
   * the time. Not more (not {@code --help}, not {@code run list}, not the ledger's creation): every
   * start relocates the whole archive (Java 17 maps it at a random address), which touches every
   * page of it, so each class in it costs every command (docs/performance.md).
   */
  static final List<List<String>> COMMANDS =
      List.of(List.of("--version"), EXEC, EXEC, List.of("run", "start", "--framework", FRAMEWORK));

  public static void main(String[] args) throws IOException {
    Main.setProperties();
    if (args.length == 3 && args[0].equals("--setup")) {
      extractSqliteLibrary(Path.of(args[1]));
      run(Path.of(args[2]), List.of(EXEC));
    } else if (args.length == 1) {
      run(Path.of(args[0]), COMMANDS);
    } else {
      System.err.println("usage: StartupTraining [--setup <native-folder>] <folder>");
      System.exit(2);
    }
    System.exit(0); // no thread of a command may keep the recording JVM alive
  }

  private static void run(Path folder, List<List<String>> commands) {
    CliEnvironment environment =
        new CliEnvironment(
            Map.of(
                "OPENAI_API_KEY_TRAINING",
                "sk-proj-training-placeholder-0000000000000000000000",
                "OPENAI_API_KEY_TRAINING_ID",
                "key_training"),
            folder,
            Clock.systemUTC(),
            new ByteArrayInputStream(new byte[0]));
    Ledger.prepareToOpen(); // as Main does for the ledger's commands
    for (List<String> command : commands) {
      String[] argv = command.toArray(String[]::new);
      TokenLedgerCli.execute(
          environment,
          new PrintWriter(new StringWriter()),
          new PrintWriter(new StringWriter()),
          argv);
    }
  }

  /** Copies the driver's library for this platform into {@code folder}, atomically. */
  static void extractSqliteLibrary(Path folder) throws IOException {
    String name = System.mapLibraryName("sqlitejdbc");
    String resource =
        "/org/sqlite/native/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
    try (InputStream library = StartupTraining.class.getResourceAsStream(resource)) {
      if (library == null) {
        return; // a platform the jar has no library for: the driver finds its own way
      }
      Files.createDirectories(folder);
      Path partial = Files.createTempFile(folder, name, ".partial");
      try {
        Files.copy(library, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial);
      }
    }
  }
}
