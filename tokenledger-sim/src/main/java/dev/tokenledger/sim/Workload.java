package dev.tokenledger.sim;

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
import java.util.Objects;

/**
 * An experiment's traffic, played against the simulator: frameworks run side by side, every run a
 * few steps, every step a few chat completions through the framework's own key, on the simulator's
 * clock (set to each request's time, so a stepped clock plays an hour in a second). A framework
 * marked {@code sharing} has short back-to-back steps that share minutes on purpose, and makes one
 * request fewer a step. The demo plays a small one; the bench plays a day of it.
 */
public final class Workload {

  /**
   * A framework taking part: its name, its simulator key, its model, whether its steps are short.
   */
  public record Framework(String name, SimKey key, String model, boolean sharing) {}

  /** One step as it happened: its run and step numbers count from 1. */
  public record StepWindow(
      String framework, int run, int step, String name, Instant start, Instant end) {}

  private record Call(Instant at, Framework framework, String prompt) {}

  private final List<StepWindow> steps = new ArrayList<>();
  private final List<Call> calls = new ArrayList<>();

  private Workload(Builder b) {
    for (int i = 0; i < b.frameworks.size(); i++) {
      Framework fw = b.frameworks.get(i);
      for (int r = 1; r <= b.runs; r++) {
        Instant runStart = b.start.plus(b.runSpacing.multipliedBy(r - 1L)).plusSeconds(5L * i);
        for (int s = 1; s <= b.stepNames.size(); s++) {
          long length = fw.sharing() ? 25 : 50;
          long spacing = fw.sharing() ? 30 : 75;
          Instant start = runStart.plusSeconds(spacing * (s - 1));
          Instant end = start.plusSeconds(length);
          String name = b.stepNames.get(s - 1);
          steps.add(new StepWindow(fw.name(), r, s, name, start, end));
          int requests = fw.sharing() ? Math.max(1, b.callsPerStep - 1) : b.callsPerStep;
          for (int k = 0; k < requests; k++) {
            Instant at = start.plusSeconds(5 + (length - 10) * k / Math.max(1, requests - 1));
            calls.add(new Call(at, fw, prompt(fw.name(), r, name, k)));
          }
        }
      }
    }
    calls.sort(Comparator.comparing(Call::at));
    steps.sort(Comparator.comparing(StepWindow::start));
  }

  /** A workload of these frameworks; see the builder for its shape. */
  public static Builder builder(List<Framework> frameworks) {
    return new Builder(frameworks);
  }

  /** Every step's window in time order. */
  public List<StepWindow> steps() {
    return List.copyOf(steps);
  }

  /** How many chat completions {@link #play} sends. */
  public int requestCount() {
    return calls.size();
  }

  /**
   * Sends every request in time order, setting the simulator's clock to each one's time; returns
   * every step's window in time order.
   *
   * @throws IOException when the simulator refuses a request
   */
  public List<StepWindow> play(OpenAiSimulator sim) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI chat = URI.create(sim.baseUrl() + "/chat/completions");
    for (Call call : calls) {
      sim.clock().set(call.at());
      complete(http, chat, call);
    }
    return steps();
  }

  private static void complete(HttpClient http, URI chat, Call call)
      throws IOException, InterruptedException {
    String body =
        "{\"model\":\""
            + call.framework().model()
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + call.prompt()
            + "\"}]}";
    HttpRequest request =
        HttpRequest.newBuilder(chat)
            .header("Authorization", call.framework().key().apiKey().bearerHeaderValue())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "the simulator refused a workload request with HTTP " + response.statusCode());
    }
  }

  private static String prompt(String framework, int run, String step, int call) {
    return "You are "
        + framework
        + ", run "
        + run
        + ". Step "
        + step
        + ", request "
        + (call + 1)
        + ": write the next part of a small CRUD web application for a library, with entities"
        + " Book, Author and Loan, and explain each decision briefly.";
  }

  /** The workload's shape; by default the demo's: two runs of plan, implement and review. */
  public static final class Builder {
    private final List<Framework> frameworks;
    private Instant start = Instant.parse("2025-10-27T00:00:00Z");
    private int runs = 2;
    private List<String> stepNames = List.of("plan", "implement", "review");
    private Duration runSpacing = Duration.ofMinutes(6);
    private int callsPerStep = 3;

    private Builder(List<Framework> frameworks) {
      this.frameworks = List.copyOf(frameworks);
    }

    /** When the first run starts; each further framework starts 5 s after the one before. */
    public Builder start(Instant value) {
      start = Objects.requireNonNull(value);
      return this;
    }

    /** Runs per framework. */
    public Builder runs(int value) {
      runs = value;
      return this;
    }

    /** The steps of every run, by name, in order. */
    public Builder steps(List<String> names) {
      stepNames = List.copyOf(names);
      return this;
    }

    /** From one run's start to the next run's of the same framework. */
    public Builder runSpacing(Duration value) {
      runSpacing = Objects.requireNonNull(value);
      return this;
    }

    /** Chat completions a step makes (a sharing framework's short step makes one fewer). */
    public Builder callsPerStep(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("a step makes at least one request");
      }
      callsPerStep = value;
      return this;
    }

    public Workload build() {
      return new Workload(this);
    }
  }
}
