package dev.tokenledger.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.ProvenanceStore;
import dev.tokenledger.ledger.Run;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.Step;
import dev.tokenledger.proxy.LedgerMeter;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.Workload;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * The demo's metering section: one run of a key sends its requests through the metering proxy while
 * another run of the same key, in the same minute, calls the API directly. The metered run's
 * figures, per step too, are exact the moment it ends; reconcile then audits them against the Usage
 * API and gives the unmetered run exactly what is left.
 */
final class DemoMetering {
  private static final String EXPERIMENT = "demo-meter";

  private final OpenAiSimulator sim;
  private final CliEnvironment env;
  private final SimClock clock;
  private final Workload.Framework framework;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final DemoShell shell;

  DemoMetering(
      OpenAiSimulator sim, CliEnvironment env, DemoShell shell, Workload.Framework framework) {
    this.sim = sim;
    this.env = env;
    this.shell = shell;
    this.clock = sim.clock();
    this.framework = framework;
  }

  /** Prints the section; returns whether both runs came out as the simulator served them. */
  boolean show(PrintWriter out) throws IOException, InterruptedException {
    Instant t = Instant.ofEpochSecond((clock.instant().getEpochSecond() / 60 + 1) * 60);
    String metered;
    String direct;
    TokenCounts directServed = TokenCounts.ZERO;
    try (Ledger ledger =
            Ledger.builder(LedgerLocation.resolve(null, env.workingDirectory()))
                .clock(clock)
                .heartbeatInterval(Duration.ZERO)
                .open();
        LedgerMeter meter =
            LedgerMeter.builder(ledger, sim.baseUrl())
                .clock(clock)
                .workingDirectory(env.workingDirectory())
                .start()) {
      clock.set(t);
      Run a = ledger.startRun(spec(ledger, "metered"));
      ledger.meterStore().markMetered(a.id());
      metered = a.id();
      Step plan = a.step("plan");
      clock.set(t.plusSeconds(4));
      Run b = ledger.startRun(spec(ledger, "direct"));
      direct = b.id();
      Step bStep = b.step("all");
      URI planUrl = meter.baseUrl(a.id(), plan.index());
      call(planUrl, t.plusSeconds(10), "plan the library app", false);
      directServed = directServed.plus(call(sim.baseUrl(), t.plusSeconds(14), "direct one", false));
      call(planUrl, t.plusSeconds(20), "plan the data model", true);
      clock.set(t.plusSeconds(25));
      plan.close();
      Step build = a.step("build");
      URI buildUrl = meter.baseUrl(a.id(), build.index());
      call(buildUrl, t.plusSeconds(30), "build the Book entity", false);
      directServed = directServed.plus(call(sim.baseUrl(), t.plusSeconds(36), "direct two", false));
      clock.set(t.plusSeconds(40));
      bStep.close();
      b.close();
      call(buildUrl, t.plusSeconds(44), "build the Loan entity", true);
      clock.set(t.plusSeconds(50));
      build.close();
      a.close();
    }
    out.println(
        "  Two runs of the chatdev key in the same minute: 'metered' sends its requests through");
    out.println(
        "  the metering proxy (as 'run exec --meter' does; two of them are streams that did not");
    out.println(
        "  ask for usage), 'direct' calls the API itself. The metered figures, per step too, are");
    out.println("  exact the moment the run ends, before the Usage API has seen anything:");
    out.println("$ tokenledger run show " + metered + "   (its metering)");
    String show = shell.run(env, "run", "show", metered).out();
    int at = show.indexOf("Metering");
    out.print(at >= 0 ? show.substring(at) : show);

    clock.set(t.plus(Duration.ofHours(2)));
    out.println(
        "  Two hours later the Usage API has filed the minute for the key as a whole; reconcile");
    out.println(
        "  audits the metered run against it and gives the direct run exactly what is left:");
    String args = "reconcile --watch --timeout 1h --experiment " + EXPERIMENT;
    out.println("$ tokenledger " + args);
    DemoShell.Output watch = shell.run(env, args.split(" "));
    watch.err().lines().filter(l -> l.startsWith("reconcile: pass")).forEach(out::println);
    out.print(watch.out());

    TokenCounts served =
        sim.servedCompletions(framework.key().id(), t, t.plus(Duration.ofMinutes(2)));
    TokenCounts meteredServed = minus(served, directServed);
    boolean ok;
    try (Ledger ledger =
        Ledger.builder(LedgerLocation.resolve(null, env.workingDirectory()))
            .clock(clock)
            .heartbeatInterval(Duration.ZERO)
            .open()) {
      ProvenanceStore store = ledger.provenanceStore();
      ok =
          watch.exitCode() == 0
              && finalWith(store, direct, directServed)
              && ledger.meterStore().figures(metered).run().counts().equals(meteredServed)
              && store.reconciliation(metered).orElseThrow().latest().status()
                  == ReconcileStatus.FINAL;
    }
    out.println(
        ok
            ? "  The metered run is final and audited with what went through the proxy, the direct"
                + " run\n  final with what it sent itself: both what the simulator served ✔"
            : "  ✖ The metered or the direct run differs from what the simulator served");
    return ok;
  }

  private static boolean finalWith(ProvenanceStore store, String runId, TokenCounts expected) {
    ProvenanceStore.Reconciliation r = store.reconciliation(runId).orElseThrow();
    return r.figuresFrom() != null
        && r.latest().status() == ReconcileStatus.FINAL
        && r.figuresFrom().counts().equals(expected);
  }

  private static TokenCounts minus(TokenCounts a, TokenCounts b) {
    return new TokenCounts(
        a.input() - b.input(),
        a.cachedInput() - b.cachedInput(),
        a.output() - b.output(),
        a.requests() - b.requests());
  }

  private RunSpec spec(Ledger ledger, String label) {
    return RunSpec.builder(framework.name())
        .experiment(EXPERIMENT)
        .label(label)
        .keyFingerprint(ledger.keyFingerprint(framework.key().apiKey()))
        .apiKeyId(framework.key().id())
        .build();
  }

  /** One chat completion at {@code at}; the usage its response carried (zero for a stream). */
  private TokenCounts call(URI base, Instant at, String prompt, boolean stream)
      throws IOException, InterruptedException {
    clock.set(at);
    String body =
        "{\"model\":\""
            + framework.model()
            + "\","
            + (stream ? "\"stream\":true," : "")
            + "\"messages\":[{\"role\":\"user\",\"content\":\""
            + prompt
            + "\"}]}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
            .header("Authorization", framework.key().apiKey().bearerHeaderValue())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("a demo request got HTTP " + response.statusCode());
    }
    if (stream) {
      return TokenCounts.ZERO;
    }
    JsonNode usage = new ObjectMapper().readTree(response.body()).path("usage");
    return new TokenCounts(
        usage.path("prompt_tokens").asLong(),
        usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
        usage.path("completion_tokens").asLong(),
        1);
  }
}
