package dev.tokenledger.cli.sim;

import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.TimeConverters;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

  @Option(names = "--seed", description = "Seed for replies and delays. Default: 0.")
  long seed;

  public SimCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (speed <= 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--speed must be above 0, was " + speed);
    }
    SimClock clock = SimClock.running(environment.clock().instant(), speed);
    OpenAiSimulator sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .port(port)
            .seed(seed)
            .reportingDelay(delay == null ? ReportingDelay.typical() : ReportingDelay.fixed(delay))
            .build();
    SimKey admin = sim.register(SimKey.admin("tokenledger usage reader"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    sim.start();
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
            + "); Ctrl-C or kill "
            + ProcessHandle.current().pid()
            + " stops it");
    err.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sim.close();
                  stopped.countDown();
                },
                "tokenledger-sim-stop"));
    stopped.await();
    return 0;
  }
}
