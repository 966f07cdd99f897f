package dev.tokenledger.cli.demo;

import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.SimKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The demo's small experiment: each framework runs twice, three steps a run, every step a few chat
 * completions through the framework's own key. Frameworks run side by side in the same minutes; one
 * of them ({@code sharing}) has short back-to-back steps that share minutes on purpose. Time is the
 * simulator's stepped clock, so the whole experiment takes a second of real time.
 */
final class DemoExperiment {
  static final int RUNS = 2;
  static final int STEPS = 3;
  static final List<String> STEP_NAMES = List.of("plan", "implement", "review");

  /**
   * A framework taking part: its name, its simulator key, its model, whether its steps are short.
   */
  record Framework(String name, SimKey key, String model, boolean sharing) {}

  /** One step as it happened. */
  record StepWindow(String framework, int run, int step, Instant start, Instant end) {
    String name() {
      return STEP_NAMES.get(step - 1);
    }
  }

  private record Call(Instant at, Framework framework, String prompt) {}

  private final OpenAiSimulator sim;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  DemoExperiment(OpenAiSimulator sim) {
    this.sim = sim;
  }

  /** Runs the experiment from {@code t0}; returns every step's window in time order. */
  List<StepWindow> run(List<Framework> frameworks, Instant t0)
      throws IOException, InterruptedException {
    List<StepWindow> steps = new ArrayList<>();
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < frameworks.size(); i++) {
      Framework fw = frameworks.get(i);
      for (int r = 1; r <= RUNS; r++) {
        Instant runStart = t0.plus(Duration.ofMinutes(6L * (r - 1))).plusSeconds(5L * i);
        for (int s = 1; s <= STEPS; s++) {
          long length = fw.sharing() ? 25 : 50;
          long spacing = fw.sharing() ? 30 : 75;
          Instant start = runStart.plusSeconds(spacing * (s - 1));
          Instant end = start.plusSeconds(length);
          steps.add(new StepWindow(fw.name(), r, s, start, end));
          int requests = fw.sharing() ? 2 : 3;
          for (int k = 0; k < requests; k++) {
            Instant at = start.plusSeconds(5 + (length - 10) * k / Math.max(1, requests - 1));
            calls.add(new Call(at, fw, prompt(fw.name(), r, s, k)));
          }
        }
      }
    }
    calls.sort(Comparator.comparing(Call::at));
    for (Call call : calls) {
      sim.clock().set(call.at());
      complete(call);
    }
    steps.sort(Comparator.comparing(StepWindow::start));
    return steps;
  }

  private void complete(Call call) throws IOException, InterruptedException {
    String body =
        "{\"model\":\""
            + call.framework().model()
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + call.prompt()
            + "\"}]}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/chat/completions"))
            .header("Authorization", call.framework().key().apiKey().bearerHeaderValue())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "the simulator refused a demo request with HTTP " + response.statusCode());
    }
  }

  private static String prompt(String framework, int run, int step, int call) {
    return "You are "
        + framework
        + ", run "
        + run
        + ". Step "
        + STEP_NAMES.get(step - 1)
        + ", request "
        + (call + 1)
        + ": write the next part of a small CRUD web application for a library, with entities"
        + " Book, Author and Loan, and explain each decision briefly.";
  }
}
