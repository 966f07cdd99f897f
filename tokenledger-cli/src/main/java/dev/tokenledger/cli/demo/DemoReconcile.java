package dev.tokenledger.cli.demo;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.ProvenanceStore;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.Workload;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's reconcile section: records the experiment's runs and steps in the demo's ledger, runs
 * {@code tokenledger reconcile --watch} until every run is final, shows how ghspec's shared minutes
 * were split, and checks every run's final figures against what the simulator served.
 */
final class DemoReconcile {
  private final OpenAiSimulator sim;
  private final CliEnvironment env;
  private final DemoShell shell;

  DemoReconcile(OpenAiSimulator sim, CliEnvironment env, DemoShell shell) {
    this.sim = sim;
    this.env = env;
    this.shell = shell;
  }

  /** Prints the section; returns whether every run ended final with what was served. */
  boolean show(
      List<Workload.Framework> frameworks, List<Workload.StepWindow> steps, PrintWriter out) {
    Map<String, Workload.Framework> byName = new LinkedHashMap<>();
    frameworks.forEach(f -> byName.put(f.name(), f));
    Map<String, List<Workload.StepWindow>> byRun = new LinkedHashMap<>();
    for (Workload.StepWindow s : steps) {
      byRun.computeIfAbsent(s.framework() + " " + s.run(), k -> new ArrayList<>()).add(s);
    }
    Map<String, RunWindow> runs = new LinkedHashMap<>();
    try (Ledger ledger =
        Ledger.builder(LedgerLocation.resolve(null, env.workingDirectory()))
            .clock(env.clock())
            .heartbeatInterval(Duration.ZERO)
            .open()) {
      record(ledger, byName, byRun, runs);
      return reconcile(ledger, runs, out);
    }
  }

  private static void record(
      Ledger ledger,
      Map<String, Workload.Framework> byName,
      Map<String, List<Workload.StepWindow>> byRun,
      Map<String, RunWindow> runs) {
    for (List<Workload.StepWindow> run : byRun.values()) {
      Workload.StepWindow first = run.get(0);
      Workload.Framework fw = byName.get(first.framework());
      List<StepSpec> specs = new ArrayList<>();
      for (Workload.StepWindow s : run) {
        specs.add(new StepSpec(s.step(), s.name(), s.start(), s.end(), 0));
      }
      Instant end = run.get(run.size() - 1).end();
      String id =
          ledger
              .recordFinishedRun(
                  RunSpec.builder(fw.name())
                      .experiment("demo")
                      .label("run " + first.run())
                      .apiKeyId(fw.key().id())
                      .startedAt(first.start())
                      .endedAt(end)
                      .exitCode(0)
                      .build(),
                  specs)
              .runId();
      runs.put(id, new RunWindow(fw, first.start(), end));
    }
  }

  private boolean reconcile(Ledger ledger, Map<String, RunWindow> runs, PrintWriter out) {
    out.println(
        "  The harness recorded the window of each of its "
            + runs.size()
            + " runs and their steps in the ledger");
    out.println("  (through the Java API; 'tokenledger run exec' records the same):");
    out.println("$ tokenledger run list");
    out.print(shell.run(env, "run", "list").out());
    out.println("  Reconcile reads every framework key's minute buckets once per pass, attributes");
    out.println("  them to runs and steps, and marks a run final once three reads, five minutes");
    out.println("  apart, agree:");
    out.println("$ tokenledger reconcile --watch --timeout 1h");
    DemoShell.Output watch = shell.run(env, "reconcile", "--watch", "--timeout", "1h");
    watch.err().lines().filter(l -> l.startsWith("reconcile: pass")).forEach(out::println);
    out.print(watch.out());

    String ghspecRun =
        runs.entrySet().stream()
            .filter(e -> e.getValue().framework().sharing())
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    out.println();
    out.println(
        "  ghspec's 25-second steps share minutes, so its step figures are apportioned between");
    out.println(
        "  bounds; the run's own figure stays exact (no other run of its key in those minutes):");
    out.println("$ tokenledger run show " + ghspecRun + "   (its reconciliation)");
    String show = shell.run(env, "run", "show", ghspecRun).out();
    out.print(show.substring(show.indexOf("Reconciliation:")));

    boolean allMatch = watch.exitCode() == 0;
    ProvenanceStore store = ledger.provenanceStore();
    for (Map.Entry<String, RunWindow> e : runs.entrySet()) {
      ProvenanceStore.Reconciliation r = store.reconciliation(e.getKey()).orElseThrow();
      RunWindow w = e.getValue();
      TokenCounts served =
          sim.servedCompletions(w.framework().key().id(), w.start(), w.end().plusSeconds(60));
      allMatch &=
          r.figuresFrom() != null
              && r.latest().status() == ReconcileStatus.FINAL
              && r.figuresFrom().counts().equals(served);
    }
    out.println(
        allMatch
            ? "  Every run is final, and its figures equal what the simulator served ✔"
            : "  ✖ Some run's final figures differ from what the simulator served");
    return allMatch;
  }

  private record RunWindow(Workload.Framework framework, Instant start, Instant end) {}
}
