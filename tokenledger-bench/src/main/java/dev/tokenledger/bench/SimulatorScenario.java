package dev.tokenledger.bench;

import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import dev.tokenledger.sim.Workload;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints how fast the simulator serves a simulated day of experiment traffic over HTTP (the demo's
 * {@link Workload}, runs × frameworks × steps, a few chat completions per step, spread over the
 * day) and how long reading that day back from the Usage API takes (1m buckets, grouped as the
 * reconciler groups them). Run by hand:
 *
 * <pre>
 * mvn -q -pl tokenledger-bench -am package -DskipTests
 * java -cp tokenledger-bench/target/benchmarks.jar dev.tokenledger.bench.SimulatorScenario [runs] [steps] [calls]
 * </pre>
 *
 * No figure here is asserted anywhere.
 */
public final class SimulatorScenario {
  private static final Instant DAY = Instant.parse("2025-10-27T00:00:00Z");
  private static final String[] FRAMEWORKS = {"chatdev", "baes", "ghspec"};
  private static final Pattern NEXT_PAGE = Pattern.compile("\"next_page\":\"([^\"]+)\"");

  private SimulatorScenario() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    SimClock clock = SimClock.stepped(DAY);
    try (OpenAiSimulator sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .seed(42)
            .reportingDelay(ReportingDelay.typical())
            .start()) {
      SimKey admin = sim.register(SimKey.admin("bench reader"));
      List<SimKey> keys = new ArrayList<>();
      List<Workload.Framework> frameworks = new ArrayList<>();
      for (String fw : FRAMEWORKS) {
        SimKey key = sim.register(SimKey.project(fw, "proj_" + fw));
        keys.add(key);
        frameworks.add(new Workload.Framework(fw, key, "gpt-4o-mini", false));
      }
      List<String> stepNames = new ArrayList<>();
      for (int s = 1; s <= steps; s++) {
        stepNames.add("step " + s);
      }
      // the demo's experiment, scaled to a day: runs spread evenly over it
      Workload workload =
          Workload.builder(frameworks)
              .start(DAY)
              .runs(runs)
              .steps(stepNames)
              .runSpacing(Duration.ofDays(1).dividedBy(runs))
              .callsPerStep(calls)
              .build();
      int total = workload.requestCount();
      long t0 = System.nanoTime();
      workload.play(sim);
      double servedSeconds = (System.nanoTime() - t0) / 1e9;
      clock.set(DAY.plus(Duration.ofDays(1)).plus(Duration.ofHours(1)));

      String query =
          "/organization/usage/completions?start_time="
              + DAY.getEpochSecond()
              + "&end_time="
              + DAY.plus(Duration.ofDays(1)).getEpochSecond()
              + "&bucket_width=1m&limit=1440"
              + "&group_by=api_key_id&group_by=model&group_by=project_id"
              + "&group_by=service_tier&group_by=batch";
      for (SimKey k : keys) {
        query += "&api_key_ids=" + k.id();
      }
      HttpClient http = HttpClient.newHttpClient();
      int reads = 20;
      long pages = 0;
      long bytes = 0;
      long r0 = System.nanoTime();
      for (int r = 0; r < reads; r++) {
        String page = null;
        do {
          String url =
              sim.baseUrl()
                  + query
                  + (page == null
                      ? ""
                      : "&page=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
          String json = get(http, url, admin);
          pages++;
          bytes += json.length();
          Matcher m = NEXT_PAGE.matcher(json);
          page = m.find() ? m.group(1) : null;
        } while (page != null);
      }
      double readMillis = (System.nanoTime() - r0) / 1e6 / reads;

      System.out.printf(
          "served %,d chat completions (%d runs x %d frameworks x %d steps x %d calls) over a"
              + " simulated day in %.2f s: %,.0f requests/s%n",
          total, runs, FRAMEWORKS.length, steps, calls, servedSeconds, total / servedSeconds);
      System.out.printf(
          "read the day back at 1m, grouped by key/model/project/tier/batch: %.1f ms per read"
              + " (%d pages, %,d bytes per read)%n",
          readMillis, pages / reads, bytes / reads);
    }
  }

  private static String get(HttpClient http, String url, SimKey key)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", key.apiKey().bearerHeaderValue())
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + r.statusCode() + " from " + url + ": " + r.body());
    }
    return r.body();
  }
}
