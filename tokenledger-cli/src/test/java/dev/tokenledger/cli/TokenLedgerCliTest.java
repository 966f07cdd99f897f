package dev.tokenledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.shared.CliEnvironment;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The command line built for given arguments behaves as the whole tree does. */
class TokenLedgerCliTest {
  @TempDir Path dir;

  @Test
  void theListsNameEveryCommandOfTheTreeInItsOrder() {
    CommandLine full = TokenLedgerCli.commandLine(environment());

    List<String> expected = new ArrayList<>(TokenLedgerCli.SUBCOMMANDS);
    expected.add("completion");
    assertThat(full.getSubcommands().keySet()).containsExactlyElementsOf(expected);
    assertThat(full.getSubcommands().get("run").getSubcommands().keySet())
        .containsExactlyElementsOf(TokenLedgerCli.RUN_SUBCOMMANDS);
    for (String name : TokenLedgerCli.SUBCOMMANDS) {
      assertThat(commandName(TokenLedgerCli.command(name))).isEqualTo(name);
    }
    for (String name : TokenLedgerCli.RUN_SUBCOMMANDS) {
      assertThat(commandName(TokenLedgerCli.command("run " + name))).isEqualTo(name);
    }
  }

  @Test
  void aSubcommandBuildsItAlone() {
    CommandLine exec = TokenLedgerCli.commandLine(environment(), "run", "exec", "--", "true");
    assertThat(exec.getSubcommands().keySet()).containsExactly("run");
    assertThat(exec.getSubcommands().get("run").getSubcommands().keySet()).containsExactly("exec");

    assertThat(TokenLedgerCli.commandLine(environment(), "--version").getSubcommands()).isEmpty();
    assertThat(TokenLedgerCli.commandLine(environment(), "run").getSubcommands().get("run"))
        .satisfies(run -> assertThat(run.getSubcommands()).hasSize(6));
    assertThat(TokenLedgerCli.commandLine(environment(), "--help").getSubcommands())
        .hasSize(TokenLedgerCli.SUBCOMMANDS.size() + 1);
  }

  @Test
  void theCommandsReadAheadAreThoseTheArgumentsBuild() {
    // the root is built without annotations: nothing to read ahead for it
    assertThat(TokenLedgerCli.commandsFor("--version")).isEmpty();
    assertThat(TokenLedgerCli.commandsFor()).isEmpty();
    assertThat(TokenLedgerCli.commandsFor("report", "--by", "framework"))
        .containsExactly(TokenLedgerCli.command("report"));
    assertThat(TokenLedgerCli.commandsFor("run", "exec", "--", "true"))
        .containsExactly(TokenLedgerCli.command("run"), TokenLedgerCli.command("run exec"));
    assertThat(TokenLedgerCli.commandsFor("run", "--help"))
        .containsExactly(TokenLedgerCli.command("run"));
    // plain run exec arguments build no command: picocli is not used
    assertThat(TokenLedgerCli.commandsFor("run", "exec", "--framework", "x", "--", "true"))
        .isEmpty();
  }

  @Test
  void readingAheadFollowsMixinsAndArgumentGroupsOnce() {
    assertThat(AnnotationsAhead.read(TokenLedgerCli.command("run exec")))
        .extracting(Class::getSimpleName)
        .containsExactlyInAnyOrder(
            "RunExecCommand",
            "NewRunMixin",
            "RunChoice",
            "CommandContext",
            "ConfigMixin",
            "LedgerMixin");
  }

  static Stream<List<String>> argumentLists() {
    List<List<String>> lists = new ArrayList<>();
    for (List<String> path : paths(TokenLedgerCli.commandLine(environment(Path.of("."))))) {
      List<String> help = new ArrayList<>(path);
      help.add("--help");
      lists.add(help);
    }
    lists.add(List.of());
    lists.add(List.of("--version"));
    lists.add(List.of("-V"));
    lists.add(List.of("--bogus"));
    lists.add(List.of("rnu", "exec"));
    lists.add(List.of("run"));
    lists.add(List.of("run", "exce", "--framework", "x"));
    lists.add(List.of("run", "exec"));
    lists.add(List.of("run", "exec", "-x", "--framework"));
    lists.add(List.of("run", "exec", "--stacktrace", "--framework", "x", "--run"));
    lists.add(List.of("run", "end", "--bogus"));
    lists.add(List.of("prices", "show", "--bogus"));
    lists.add(List.of("-x", "run", "show", "--bogus"));
    // plain run exec arguments, run without picocli: a framework without a key
    lists.add(List.of("run", "exec", "--framework", "x", "--", "true"));
    lists.add(List.of("run", "exec", "--meter", "--framework=x", "--db", "l.db", "--", "true"));
    return lists.stream();
  }

  @ParameterizedTest
  @MethodSource("argumentLists")
  void executesAsTheWholeTreeDoes(List<String> args) {
    String[] argv = args.toArray(String[]::new);

    String whole = execute(TokenLedgerCli.commandLine(environment()), argv);
    String built = execute(TokenLedgerCli.commandLine(environment(), argv), argv);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        TokenLedgerCli.execute(
            environment(), new PrintWriter(out, true), new PrintWriter(err, true), argv);
    String executed = "exit " + code + "\n--- out\n" + out + "--- err\n" + err;

    assertThat(built).isEqualTo(whole);
    assertThat(executed).isEqualTo(whole);
  }

  @Test
  void runExecRunsAlikeReadPlainlyOrByPicocli() {
    CliEnvironment environment =
        new CliEnvironment(
            Map.of(
                "OPENAI_API_KEY_FW", "sk-proj-test-canary-00000000000000000000000000f1",
                "PATH", System.getenv("PATH"),
                "OPENAI_BASE_URL", "http://127.0.0.1:9/r/run-x/s/1/v1"),
            dir,
            Clock.systemUTC(),
            new ByteArrayInputStream(new byte[0]),
            wait -> {});
    // a command that exits 3, and --meter refused before it starts (a metered base URL already)
    for (List<String> tail :
        List.of(List.of("--", "sh", "-c", "exit 3"), List.of("--meter", "--", "true"))) {
      List<String> args = new ArrayList<>(List.of("run", "exec", "--framework", "fw", "--db"));
      args.add(dir.resolve("ledger.db").toString());
      args.addAll(tail);
      String[] argv = args.toArray(String[]::new);

      String byPicocli = execute(TokenLedgerCli.commandLine(environment), argv);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          TokenLedgerCli.execute(
              environment, new PrintWriter(out, true), new PrintWriter(err, true), argv);

      assertThat(TokenLedgerCli.commandsFor(argv)).as("read plainly").isEmpty();
      assertThat("exit " + code + "\n--- out\n" + out + "--- err\n" + err)
          .isEqualTo(byPicocli)
          .startsWith(tail.contains("--meter") ? "exit 3" : "exit 3\n--- out\n--- err\n");
    }
  }

  /** The root as its annotations gave it, before it was built in code (TokenLedgerCommand). */
  @CommandLine.Command(
      name = "tokenledger",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      sortOptions = false,
      usageHelpAutoWidth = true,
      description = {
        "Exact token and cost accounting for LLM experiment runs, from OpenAI's Usage and Costs"
            + " APIs.",
        ""
      },
      footerHeading = "%nExit codes:%n",
      footer = {
        "  0  ok",
        "  1  failure",
        "  2  usage error",
        "  3  configuration (missing key, bad file)",
        "  4  API refused the key (401/403, scope)",
        "  5  API or network failure after retries",
        "  6  reconcile found warnings"
      })
  static final class AnnotatedRoot implements Runnable {
    @CommandLine.Option(
        names = {"-x", "--stacktrace"},
        scope = CommandLine.ScopeType.INHERIT,
        description = "Print the stack trace of an error.")
    boolean stacktrace;

    @Override
    public void run() {}
  }

  @Test
  void theRootBuiltInCodeShowsWhatItsAnnotationsShowed() throws Exception {
    CommandLine annotated = new CommandLine(new AnnotatedRoot());
    CommandLine built = new CommandLine(TokenLedgerCommand.spec());
    for (CommandLine cli : List.of(annotated, built)) {
      cli.addSubcommand("run", new CommandLine(new dev.tokenledger.cli.run.RunCommand()));
      cli.getCommandSpec().usageMessage().width(100);
    }

    assertThat(built.getUsageMessage(CommandLine.Help.Ansi.OFF))
        .isEqualTo(annotated.getUsageMessage(CommandLine.Help.Ansi.OFF))
        .contains("-x, --stacktrace", "-h, --help", "-V, --version", "Exit codes:");
    assertThat(built.getSubcommands().get("run").getCommandSpec().findOption("-x"))
        .as("-x reaches the subcommands")
        .isNotNull();
    StringWriter version = new StringWriter();
    built.printVersionHelp(new PrintWriter(version));
    assertThat(version.toString()).startsWith("tokenledger ");
  }

  private static List<List<String>> paths(CommandLine cli) {
    List<List<String>> paths = new ArrayList<>();
    paths.add(List.of());
    for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
      for (List<String> below : paths(sub.getValue())) {
        List<String> path = new ArrayList<>();
        path.add(sub.getKey());
        path.addAll(below);
        paths.add(path);
      }
    }
    return paths;
  }

  private static String execute(CommandLine cli, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
  }

  private static String commandName(Class<?> type) {
    return type.getAnnotation(CommandLine.Command.class).name();
  }

  private CliEnvironment environment() {
    return environment(dir);
  }

  private static CliEnvironment environment(Path workingDirectory) {
    return new CliEnvironment(
        Map.of(),
        workingDirectory,
        Clock.systemUTC(),
        new ByteArrayInputStream(new byte[0]),
        wait -> {});
  }
}
