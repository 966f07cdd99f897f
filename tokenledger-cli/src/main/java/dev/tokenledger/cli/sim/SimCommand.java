package dev.tokenledger.cli.sim;

import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.Serving;
import dev.tokenledger.cli.shared.TimeConverters;
import dev.tokenledger.sim.FaultMix;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Serves the simulator for a user's own harness and prints, as {@code export} lines a shell can
 * {@code eval}, its base URL, an admin key and one framework key per framework.
 */
@Command(
    name = "sim",
    description = {
      "Serve the OpenAI simulator on 127.0.0.1 until Ctrl-C.",
      "Prints export lines for OPENAI_BASE_URL, OPENAI_ADMIN_KEY and one OPENAI_API_KEY_<FW>"
          + " (with its _ID) per framework: simulator keys, valid nowhere else.",
      "  eval \"$(tokenledger sim --port 8787 &)\"  or copy the lines into your harness's .env"
    },
    mixinStandardHelpOptions = true)
public final class SimCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @Option(names = "--port", description = "Port on 127.0.0.1 (0: any free port). Default: 0.")
  int port;

  @Option(
      names = "--framework",
      split = ",",
      description = "Frameworks to make keys for. Default: chatdev,baes,ghspec.")
  List<String> frameworks = List.of("chatdev", "baes", "ghspec");

  @Option(
      names = "--speed",
      description =
          "Simulated seconds per real second. Default: 1. Above 1 the simulator's clock runs"
              + " ahead of the real clock runs are recorded with, so recorded runs never meet"
              + " their usage: keep 1 to record and reconcile, shorten --delay instead.")
  double speed = 1.0;

  @Option(
      names = "--delay",
      converter = TimeConverters.DurationConverter.class,
      description =
          "Fixed reporting delay before usage shows up in the Usage API (e.g. 0, 5m)."
              + " Default: OpenAI-like, 5 to 60 minutes, around 15.")
  Duration delay;

  @Option(names = "--seed", description = "Seed for replies, delays and faults. Default: 0.")
  long seed;

  @Option(
      names = "--faults",
      paramLabel = "KIND:SHARE,…",
      description =
          "Fail this share of requests per kind, e.g. 429:0.1,500:0.05,reset:0.02. Kinds: "
              + FaultMix.KINDS
              + ". Default: none.")
  String faults;

  @Option(
      names = "--fault-path",
      paramLabel = "PREFIX",
      description =
          "Only requests under this path fail, e.g. /organization/usage or /chat/completions."
              + " Default: every endpoint.")
  String faultPath;

  @Option(
      names = "--late-revisions",
      paramLabel = "SHARE",
      description =
          "This share of requests (0 to 1) shows up in two parts: most on time, the rest"
              + " --late-by later, so a minute already read grows. Default: 0.")
  double lateRevisions;

  @Option(
      names = "--late-by",
      paramLabel = "MIN..MAX",
      description = "How much later the rest of a late revision shows up. Default: 30m..2h.")
  String lateBy = "30m..2h";

  public SimCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (speed <= 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--speed must be above 0, was " + speed);
    }
    FaultMix mix = faultMix();
    Duration[] late = lateBy();
    if (!(lateRevisions >= 0 && lateRevisions <= 1)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--late-revisions must be a share from 0 to 1 (e.g. 0.2), was " + lateRevisions);
    }
    SimClock clock = SimClock.running(environment.clock().instant(), speed);
    OpenAiSimulator sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .port(port)
            .seed(seed)
            .reportingDelay(delay == null ? ReportingDelay.typical() : ReportingDelay.fixed(delay))
            .lateRevisions(lateRevisions, late[0], late[1])
            .build();
    if (mix != null) {
      mix.applyTo(faultPath == null ? sim.faults().onAnyRequest() : sim.faults().onPath(faultPath));
    }
    SimKey admin = sim.register(SimKey.admin("tokenledger usage reader"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    sim.start();
    Serving serving = Serving.start("sim", sim); // before the first line is printed
    out.println("export OPENAI_BASE_URL=" + sim.baseUrl());
    out.println("export OPENAI_ADMIN_KEY=" + admin.apiKey().revealForChildProcess());
    for (String framework : frameworks) {
      String fw = framework.strip().toLowerCase(Locale.ROOT);
      String projectId = "proj_" + fw;
      sim.addProject(projectId, fw + " experiments");
      SimKey key = sim.register(SimKey.project(fw, projectId));
      String var = "OPENAI_API_KEY_" + fw.toUpperCase(Locale.ROOT);
      out.println("export " + var + "=" + key.apiKey().revealForChildProcess());
      out.println("export " + var + "_ID=" + key.id());
    }
    // Closed, not just flushed: `eval "$(tokenledger sim … &)"` reads until standard output ends,
    // and the server goes on running in the background.
    out.close();
    err.println(
        "tokenledger: simulator serving at "
            + sim.baseUrl()
            + " (clock "
            + speed
            + "x from "
            + clock.instant()
            + ", reporting delay "
            + (delay == null ? "5-60 min" : delay.toString())
            + misbehaviour(mix, late)
            + "); Ctrl-C or kill "
            + ProcessHandle.current().pid()
            + " stops it");
    err.flush();
    serving.awaitStop();
    return 0;
  }

  private FaultMix faultMix() {
    if (faultPath != null && faults == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--fault-path goes with --faults: add --faults 429:0.1 or similar");
    }
    if (faultPath != null && !faultPath.startsWith("/")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--fault-path '" + faultPath + "' must start with /, e.g. /organization/usage");
    }
    if (faults == null) {
      return null;
    }
    try {
      return FaultMix.parse(faults);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--faults: " + e.getMessage());
    }
  }

  private Duration[] lateBy() {
    String[] parts = lateBy.split("\\.\\.", -1);
    try {
      if (parts.length == 2) {
        Duration min = TimeConverters.parseDuration(parts[0]);
        Duration max = TimeConverters.parseDuration(parts[1]);
        if (max.compareTo(min) >= 0) {
          return new Duration[] {min, max};
        }
      }
    } catch (CommandLine.TypeConversionException e) {
      // reported below, with the expected form
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "--late-by '" + lateBy + "' is not MIN..MAX with MIN <= MAX: write e.g. 1m..10m");
  }

  private String misbehaviour(FaultMix mix, Duration[] late) {
    StringBuilder s = new StringBuilder();
    if (mix != null && !mix.isEmpty()) {
      s.append(", faults ").append(mix);
      s.append(faultPath == null ? " on every endpoint" : " under " + faultPath);
    }
    if (lateRevisions > 0) {
      s.append(", late revisions ")
          .append(lateRevisions)
          .append(" (")
          .append(late[0])
          .append("..")
          .append(late[1])
          .append(" later)");
    }
    return s.toString();
  }
}
