package dev.tokenledger.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.TokenLedgerCli;
import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.ConfigMixin;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@link PlainExecArguments} reads {@code run exec}'s arguments exactly as picocli does wherever it
 * reads them, and leaves to picocli every argument list it might read differently.
 */
class PlainExecArgumentsTest {
  private static final CliEnvironment ENVIRONMENT =
      new CliEnvironment(
          Map.of(), Path.of("."), Clock.systemUTC(), new ByteArrayInputStream(new byte[0]));

  private static final List<String> NAMES =
      List.of(
          "--framework",
          "--experiment",
          "--label",
          "--run",
          "--new-run",
          "--step",
          "--name",
          "--fence",
          "--meter",
          "--env-file",
          "--admin-key-env",
          "--db",
          "--help",
          "-h",
          "-V",
          "-x",
          "--bogus",
          "--frame");

  private static final List<String> VALUES =
      List.of(
          "chatdev",
          "e 1",
          "a=b",
          "",
          "-v",
          "--",
          "@args.txt",
          "1",
          "12",
          "0",
          "007",
          "+3",
          "-2",
          "2147483647",
          "2147483648",
          "run-20251027-100010-0a1b2c3d",
          "l.db",
          "x\u0000y");

  @Test
  void whereItReadsItReadsWhatPicocliReads() {
    Random random = new Random(20261205);
    int plain = 0;
    for (int i = 0; i < 2000; i++) {
      String[] args = arguments(random);
      Optional<String> picocli = picocliReading(args);
      Optional<String> ours =
          PlainExecArguments.read(args).map(a -> describe(a.command(ENVIRONMENT, null)));
      if (ours.isPresent()) {
        plain++;
        assertThat(picocli).as(Arrays.toString(args)).isEqualTo(ours);
      }
    }
    assertThat(plain).as("argument lists read plainly").isGreaterThan(200);
  }

  @Test
  void theFormsAHarnessRunsAreReadPlainly() {
    for (String line :
        List.of(
            "run exec --framework chatdev --experiment e1 -- python run.py",
            "run exec --meter --framework chatdev -- python run.py",
            "run exec --framework bench --label plain -- true",
            "run exec --framework=baes --run run-1 --step 2 --name build -- sh -c exit\\ 3",
            "run exec --framework baes --new-run --fence --db /tmp/l.db --env-file .env.e1"
                + " --admin-key-env MY_ADMIN_KEY -- ./run.sh --model gpt-4o")) {
      String[] args = line.split(" ");
      assertThat(PlainExecArguments.read(args)).as(line).isPresent();
      assertThat(PlainExecArguments.read(args).map(a -> describe(a.command(ENVIRONMENT, null))))
          .as(line)
          .isEqualTo(picocliReading(args));
    }
  }

  @Test
  void everyOptionOfRunExecIsKnownWithItsKind() {
    CommandLine exec = runExec(TokenLedgerCli.commandLine(ENVIRONMENT, "run", "exec", "--help"));
    Set<String> flags = new TreeSet<>();
    Set<String> options = new TreeSet<>();
    for (OptionSpec option : exec.getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp() || option.inherited()) {
        continue; // -h, -V and the root's -x are left to picocli
      }
      String name = option.longestName();
      // one name, one value or none, no default and no splitting: what the plain reader assumes
      assertThat(option.names()).as(name).hasSize(1);
      assertThat(option.defaultValue()).as(name).isNull();
      assertThat(option.splitRegex()).as(name).isEmpty();
      assertThat(option.arity().min()).as(name).isEqualTo(option.arity().max());
      (option.arity().max() == 0 ? flags : options).add(name);
      if (option.arity().max() > 0) {
        assertThat(option.arity().max()).as(name).isEqualTo(1);
      }
    }
    assertThat(flags).containsExactlyInAnyOrderElementsOf(PlainExecArguments.FLAGS);
    assertThat(options).containsExactlyInAnyOrderElementsOf(PlainExecArguments.OPTIONS);
    assertThat(exec.getCommandSpec().positionalParameters())
        .singleElement()
        .satisfies(p -> assertThat(p.paramLabel()).isEqualTo("CMD"));
  }

  @Test
  void whatIsNotPlainIsLeftToPicocli() {
    for (String line :
        List.of(
            "run exec --framework x",
            "run exec --framework x --",
            "run exec --framework x true",
            "run exec --help",
            "run exec --framework x --help -- true",
            "run exec --framework x --label -- true",
            "run exec --framework x --label=-y -- true",
            "run exec --framework x --label a --label b -- true",
            "run exec --framework x --run r --new-run -- true",
            "run exec --framework x --step 0 -- true",
            "run exec --framework x --fence=true -- true",
            "run exec --experiment e -- true",
            "run --help exec --framework x -- true",
            "-x run exec --framework x -- true",
            "run start --framework x -- true")) {
      assertThat(PlainExecArguments.read(line.split(" "))).as(line).isEmpty();
    }
  }

  @Test
  void aUsageErrorOutsidePicocliNamesTheCommandLineBuiltForIt() {
    CommandLine built = runExec(TokenLedgerCli.commandLine(ENVIRONMENT, "run", "exec", "--help"));
    StringWriter err = new StringWriter();
    CommandContext context =
        CommandContext.withoutPicocli(
            ENVIRONMENT,
            ConfigMixin.of(null, null),
            new CommandContext.WithoutPicocli(
                new PrintWriter(new StringWriter()), new PrintWriter(err), () -> built));

    CommandLine.ParameterException e = context.usageError("--step must be 1 or more");

    assertThat(e.getCommandLine()).isSameAs(built);
    assertThat(e).hasMessage("--step must be 1 or more");
    context.warn("careful");
    assertThat(err.toString()).isEqualTo("tokenledger: warning: careful" + System.lineSeparator());
  }

  /** A random argument list of {@code run exec}: options, values and a command, any of them odd. */
  private static String[] arguments(Random random) {
    List<String> args = new ArrayList<>(List.of("run", "exec"));
    if (random.nextInt(20) == 0) {
      args.add(random.nextInt(2), "-x"); // an option of the root, or of run
    }
    if (random.nextInt(3) > 0) {
      args.add("--framework");
      args.add("fw");
    }
    int options = random.nextInt(5);
    for (int i = 0; i < options; i++) {
      String name = pick(random, NAMES);
      String value = random.nextInt(4) == 0 ? pick(random, VALUES) : "v" + i;
      switch (random.nextInt(4)) {
        case 0 -> args.add(name + "=" + value);
        case 1 -> args.add(name);
        default -> {
          args.add(name);
          args.add(value);
        }
      }
    }
    if (random.nextInt(10) > 0) {
      args.add("--");
    }
    int words = random.nextInt(4);
    for (int i = 0; i < words; i++) {
      args.add(random.nextInt(4) == 0 ? pick(random, VALUES) : "word" + i);
    }
    return args.toArray(String[]::new);
  }

  private static String pick(Random random, List<String> from) {
    return from.get(random.nextInt(from.size()));
  }

  /** What picocli makes of {@code args}: empty when it refuses them or shows help. */
  private static Optional<String> picocliReading(String[] args) {
    CommandLine cli = TokenLedgerCli.commandLine(ENVIRONMENT, args);
    CommandLine.ParseResult result;
    try {
      result = cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return Optional.empty();
    }
    for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.isUsageHelpRequested() || r.isVersionHelpRequested()) {
        return Optional.empty();
      }
    }
    if (!result.hasSubcommand() || !result.subcommand().hasSubcommand()) {
      return Optional.empty();
    }
    return Optional.of(describe(runExec(cli).getCommand()));
  }

  private static CommandLine runExec(CommandLine root) {
    return root.getSubcommands().get("run").getSubcommands().get("exec");
  }

  /** Every value a parse sets on the command, its mixins and its argument group. */
  private static String describe(RunExecCommand c) {
    return String.join(
        " | ",
        String.valueOf(c.newRun.framework),
        String.valueOf(c.newRun.experiment),
        String.valueOf(c.newRun.label),
        c.runChoice == null ? "no run choice" : c.runChoice.runId + "/" + c.runChoice.newRun,
        String.valueOf(c.step),
        String.valueOf(c.name),
        String.valueOf(c.fence),
        String.valueOf(c.meter),
        String.valueOf(c.context.configOptions().options()),
        String.valueOf(c.ledgerOptions.db()),
        String.valueOf(c.command));
  }
}
