package dev.tokenledger.cli;

import dev.tokenledger.cli.shared.CliEnvironment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sqlite.util.OSInfo;
import picocli.CommandLine;

/**
 * The launcher's training run (docs/performance.md): the {@code tokenledger} script runs this once
 * per build, under {@code -XX:ArchiveClassesAtExit} or the JDK's AOT-cache recording, so that the
 * classes the usual short commands load are read from an archive rather than from the jar. It runs
 * those commands in one JVM on a throwaway ledger in a temporary folder, with a made-up key;
 * nothing leaves the machine and nothing is left behind.
 *
 * <p>Argument: a folder to put the SQLite driver's native library in; the launcher hands it to the
 * driver ({@code org.sqlite.lib.path}), which otherwise copies it out of the jar into the temporary
 * folder on every start.
 */
public final class StartupTraining {
  private StartupTraining() {}

  private static final String FRAMEWORK = "training";

  /**
   * The commands trained: the short ones a harness calls once per step, where start-up is most of
   * the time. Not more: a JDK 24+ AOT cache loads every class it holds at start, so training {@code
   * --meter}'s proxy or {@code report} made {@code --version} slower (docs/performance.md).
   */
  static final List<List<String>> COMMANDS =
      List.of(
          List.of("--version"),
          List.of("--help"),
          List.of("run", "exec", "--framework", FRAMEWORK, "--", "true"),
          List.of("run", "exec", "--framework", FRAMEWORK, "--", "true"),
          List.of("run", "start", "--framework", FRAMEWORK),
          List.of("run", "list"));

  public static void main(String[] args) throws IOException {
    if (args.length > 0) {
      extractSqliteLibrary(Path.of(args[0]));
    }
    Path folder = Files.createTempDirectory("tokenledger-training-");
    try {
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
      for (List<String> command : COMMANDS) {
        String[] argv = command.toArray(String[]::new);
        CommandLine cli = TokenLedgerCli.commandLine(environment, argv);
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(new StringWriter()));
        cli.execute(argv);
      }
    } finally {
      deleteTree(folder);
    }
    System.exit(0); // no thread of a command may keep the recording JVM alive
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

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
