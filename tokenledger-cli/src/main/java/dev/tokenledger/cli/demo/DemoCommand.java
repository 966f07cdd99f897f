package dev.tokenledger.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.CommandLineFactory;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import dev.tokenledger.sim.Workload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The whole loop with no key and no network: starts the simulator in-process on a simulated clock,
 * runs a small experiment through three framework keys, then drives the real commands against it
 * and checks their figures against what the simulator served.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole loop on the built-in simulator: no key, no network, a temporary folder.",
      "3 frameworks x 2 runs x 3 steps, then the real commands against the simulator."
    })
public final class DemoCommand implements Callable<Integer> {
  static final Instant START = Instant.parse("2025-10-27T10:00:00Z");

  private final CliEnvironment environment;
  private final DemoShell shell;

  @Spec CommandSpec spec;

  @Option(names = "--seed", description = "Seed for replies and reporting delays. Default: 7.")
  long seed = 7;

  @Option(
      names = "--chart",
      paramLabel = "FILE",
      description =
          "Where to write the cost-per-framework chart (.png or .svg)."
              + " Default: tokenledger-demo-cost.png in the temporary directory.")
  Path chart;

  public DemoCommand(CliEnvironment environment, CommandLineFactory commandLines) {
    this.environment = environment;
    this.shell = new DemoShell(commandLines);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path workDir = Files.createTempDirectory("tokenledger-demo-");
    SimClock clock = SimClock.stepped(START);
    try (OpenAiSimulator sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .seed(seed)
            .reportingDelay(ReportingDelay.typical())
            .build()
            .start()) {
      SimKey admin = sim.register(SimKey.admin("experiment usage reader"));
      List<Workload.Framework> frameworks = new ArrayList<>();
      String[][] setup = {
        {"chatdev", "gpt-4o-mini"}, {"baes", "gpt-5-mini"}, {"ghspec", "gpt-4.1-mini"}
      };
      for (String[] fw : setup) {
        sim.addProject("proj_" + fw[0], fw[0] + " experiments");
        SimKey key = sim.register(SimKey.project(fw[0] + " runner", "proj_" + fw[0]));
        frameworks.add(new Workload.Framework(fw[0], key, fw[1], fw[0].equals("ghspec")));
      }
      heading(out, "1. A simulated OpenAI organization");
      out.println("  Simulator: " + sim.baseUrl() + " (simulated clock from " + START + ")");
      out.println("  Usage key: OPENAI_ADMIN_KEY = " + admin.apiKey().redacted());
      for (Workload.Framework fw : frameworks) {
        out.printf(
            "  Framework %-8s OPENAI_API_KEY_%s = %s (%s), model %s%n",
            fw.name(),
            fw.name().toUpperCase(Locale.ROOT),
            fw.key().apiKey().redacted(),
            fw.key().id(),
            fw.model());
      }
      out.println(
          "  Reporting delay: usage shows up in the Usage API 5 to 60 minutes after a request.");

      Map<String, String> vars = new LinkedHashMap<>();
      vars.put("OPENAI_BASE_URL", sim.baseUrl().toString());
      vars.put("OPENAI_ADMIN_KEY", admin.apiKey().revealForChildProcess());
      for (Workload.Framework fw : frameworks) {
        String var = "OPENAI_API_KEY_" + fw.name().toUpperCase(Locale.ROOT);
        vars.put(var, fw.key().apiKey().revealForChildProcess());
        if (!fw.name().equals("ghspec")) {
          vars.put(var + "_ID", fw.key().id());
        }
      }
      CliEnvironment demoEnv =
          new CliEnvironment(
              vars, workDir, clock, new ByteArrayInputStream(new byte[0]), d -> clock.advance(d));
      heading(out, "Before the experiment: tokenledger doctor checks keys, scopes and key ids");
      out.println("$ tokenledger doctor");
      out.print(run(demoEnv, "doctor"));

      heading(out, "2. The experiment: 3 frameworks x 2 runs x 3 steps, side by side");
      List<Workload.StepWindow> steps = Workload.builder(frameworks).start(START).build().play(sim);
      for (Workload.StepWindow s : steps) {
        out.printf(
            "  %-8s run %d step %d %-10s %s .. %s%n",
            s.framework(), s.run(), s.step(), s.name(), time(s.start()), time(s.end()));
      }
      out.println(
          "  ghspec's steps are 25 s long and back to back: they share minutes on purpose.");
      Instant end = steps.stream().map(Workload.StepWindow::end).max(Instant::compareTo).get();

      String window = "usage --from " + START + " --to " + end.plusSeconds(60);

      heading(out, "3. Right after the experiment, the Usage API has not seen everything yet");
      clock.set(end.plusSeconds(60));
      out.println("$ tokenledger " + window);
      TokenCounts early = totals(run(demoEnv, (window + " --format json").split(" ")));
      out.println(
          "  The Usage API shows "
              + early.total()
              + " tokens so far (reporting delay): never take a figure that is still arriving.");

      heading(out, "4. Two hours later: the Usage API, by key");
      clock.set(end.plus(Duration.ofHours(2)));
      String grouped = window + " --group-by api_key_id";
      out.println("$ tokenledger " + grouped);
      out.print(run(demoEnv, grouped.split(" ")));

      heading(out, "5. Per framework (ghspec's key id resolved from the organization's key list)");
      boolean allMatch = true;
      TokenCounts sum = TokenCounts.ZERO;
      for (Workload.Framework fw : frameworks) {
        String args = window + " --framework " + fw.name() + " --format json";
        TokenCounts reported = totals(run(demoEnv, args.split(" ")));
        TokenCounts served = sim.servedCompletions(fw.key().id(), START, end.plusSeconds(60));
        boolean match = reported.equals(served);
        allMatch &= match;
        sum = sum.plus(reported);
        out.printf(
            "  $ tokenledger usage --framework %-7s -> input %,d (cached %,d), output %,d,"
                + " requests %d %s simulator served the same%n",
            fw.name(),
            reported.input(),
            reported.cachedInput(),
            reported.output(),
            reported.requests(),
            match ? "✔" : "✖ NOT what the");
      }
      out.printf(
          "  Sum over frameworks: %,d tokens in %d requests.%n", sum.total(), sum.requests());

      heading(out, "6. Reconcile: every run settles to exact, final figures");
      allMatch &= new DemoReconcile(sim, demoEnv, shell).show(frameworks, steps, out);

      heading(out, "7. The framework comparison a paper cites");
      Path chartFile =
          chart != null
              ? environment.workingDirectory().resolve(chart)
              : Path.of(System.getProperty("java.io.tmpdir"), "tokenledger-demo-cost.png");
      out.println("$ tokenledger report --by framework --chart " + chartFile);
      out.print(run(demoEnv, "report", "--by", "framework", "--chart", chartFile.toString()));
      out.println("  Chart written to " + chartFile + " (cost per run, with its 95 % interval).");

      heading(
          out, "8. Exact metering: a metered run beside an unmetered one, same key, same minute");
      allMatch &= new DemoMetering(sim, demoEnv, shell, frameworks.get(0)).show(out);

      heading(out, "What to look at");
      out.println("  - Step 3: figures read too early are incomplete; tokenledger never zeroes or");
      out.println("    guesses them.");
      out.println(
          "  - Step 5: each framework's own key isolates its tokens; the totals equal what");
      out.println("    the simulator served, request for request.");
      out.println("  - Step 6: runs settle to final figures; steps that share minutes are");
      out.println("    apportioned between bounds, and say so.");
      out.println(
          "  - Step 7: per-framework means with seeded bootstrap intervals, priced per model.");
      out.println(
          "  - Step 8: a metered run is exact per request and per step at once; the Usage API");
      out.println("    then audits it, and the key's other usage goes to whoever spent it.");
      out.println("  Next: point a harness at 'tokenledger sim', or set OPENAI_ADMIN_KEY and run");
      out.println("  'tokenledger usage' against your organization.");
      out.flush();
      if (!allMatch) {
        spec.commandLine()
            .getErr()
            .println(
                "tokenledger: error: the demo's figures differ from what the simulator served");
        return 1;
      }
      return 0;
    } finally {
      deleteTree(workDir);
    }
  }

  private String run(CliEnvironment env, String... args) {
    DemoShell.Output o = shell.run(env, args);
    if (o.exitCode() != 0) {
      throw new IllegalStateException(
          "demo step 'tokenledger " + String.join(" ", args) + "' failed: " + o.err());
    }
    spec.commandLine().getErr().print(o.err());
    return o.out();
  }

  private static TokenCounts totals(String json) throws IOException {
    // a mapper per call, not a static one: picocli loads every command class at start-up
    JsonNode t = new ObjectMapper().readTree(json).path("totals");
    return new TokenCounts(
        t.path("input_tokens").asLong(),
        t.path("cached_input_tokens").asLong(),
        t.path("output_tokens").asLong(),
        t.path("requests").asLong());
  }

  private static void heading(PrintWriter out, String text) {
    out.println();
    out.println("== " + text);
  }

  private static String time(Instant t) {
    return t.toString().substring(11, 19);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
