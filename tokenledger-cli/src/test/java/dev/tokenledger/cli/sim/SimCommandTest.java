package dev.tokenledger.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.CliHarness;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code tokenledger sim} as a real process, as a harness would, and talks to it. */
class SimCommandTest {
  @TempDir Path dir;

  @Test
  void printsExportLinesAHarnessCanUseAndStopsCleanlyOnSigterm() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process sim =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.tokenledger.cli.Main",
                "sim",
                "--delay",
                "0",
                "--framework",
                "chatdev,baes")
            .redirectError(new File(System.getProperty("java.io.tmpdir"), "sim-command-test.err"))
            .start();
    try {
      Map<String, String> exports = new LinkedHashMap<>();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8));
      for (int i = 0; i < 6; i++) {
        String line = out.readLine();
        assertThat(line).startsWith("export ");
        String[] kv = line.substring("export ".length()).split("=", 2);
        exports.put(kv[0], kv[1]);
      }
      assertThat(exports)
          .containsOnlyKeys(
              "OPENAI_BASE_URL",
              "OPENAI_ADMIN_KEY",
              "OPENAI_API_KEY_CHATDEV",
              "OPENAI_API_KEY_CHATDEV_ID",
              "OPENAI_API_KEY_BAES",
              "OPENAI_API_KEY_BAES_ID");
      assertThat(exports.get("OPENAI_BASE_URL")).startsWith("http://127.0.0.1:").endsWith("/v1");
      assertThat(exports.get("OPENAI_ADMIN_KEY")).startsWith("sk-admin-");
      assertThat(exports.get("OPENAI_API_KEY_CHATDEV_ID")).startsWith("key_");

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> chat =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(exports.get("OPENAI_BASE_URL") + "/chat/completions"))
                  .header("Authorization", "Bearer " + exports.get("OPENAI_API_KEY_CHATDEV"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                              + "\"content\":\"hi\"}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(chat.statusCode()).isEqualTo(200);
      assertThat(chat.body()).contains("\"usage\"");
      HttpResponse<String> refused =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          exports.get("OPENAI_BASE_URL")
                              + "/organization/usage/completions?start_time=0"))
                  .header("Authorization", "Bearer " + exports.get("OPENAI_API_KEY_BAES"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("Missing scopes: api.usage.read");
    } finally {
      sim.destroy();
      assertThat(sim.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(sim.exitValue()).isIn(0, 143);
  }

  @Test
  void faultsAndLateRevisionsAreValidatedWithOneLineAndExit2() {
    CliHarness cli = new CliHarness(dir);
    String[][] bad = {
      {"--faults", "404:0.1"},
      {"--faults", "500:2"},
      {"--faults", "429"},
      {"--faults", "500:0.6,reset:0.6"},
      {"--fault-path", "/organization/usage"},
      {"--faults", "500:0.1", "--fault-path", "organization"},
      {"--late-revisions", "1.5"},
      {"--late-revisions", "0.2", "--late-by", "10m..1m"},
      {"--late-by", "soon"},
    };
    String[] expected = {
      "--faults: unknown fault '404': use one of 429, 429-no-retry-after, 500-599, reset,"
          + " truncated, html, e.g. 500:0.05",
      "--faults: the share of '500' must be a number from 0 to 1, e.g. 500:0.1",
      "--faults: '429' is not KIND:SHARE: write e.g. 429:0.1",
      "--faults: the shares add up to 1.2, more than every request: keep their sum at most 1",
      "--fault-path goes with --faults: add --faults 429:0.1 or similar",
      "--fault-path 'organization' must start with /, e.g. /organization/usage",
      "--late-revisions must be a share from 0 to 1 (e.g. 0.2), was 1.5",
      "--late-by '10m..1m' is not MIN..MAX with MIN <= MAX: write e.g. 1m..10m",
      "--late-by 'soon' is not MIN..MAX with MIN <= MAX: write e.g. 1m..10m",
    };
    for (int i = 0; i < bad.length; i++) {
      String[] args = new String[bad[i].length + 1];
      args[0] = "sim";
      System.arraycopy(bad[i], 0, args, 1, bad[i].length);
      CliHarness.Result r = cli.run(args);
      assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err().lines().findFirst().orElse("")).contains(expected[i]);
      assertThat(r.out()).as("nothing served, no key printed").isEmpty();
    }
  }

  @Test
  void faultsOnOnePathFailItsRequestsAndLeaveTheOthersAlone() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process sim =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.tokenledger.cli.Main",
                "sim",
                "--delay",
                "0",
                "--framework",
                "chatdev",
                "--faults",
                "503:1",
                "--fault-path",
                "/organization/usage",
                "--late-revisions",
                "0.5",
                "--late-by",
                "1m..2m",
                "--seed",
                "7")
            .redirectError(dir.resolve("sim.err").toFile())
            .start();
    try {
      Map<String, String> exports = new LinkedHashMap<>();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        String[] kv = line.substring("export ".length()).split("=", 2);
        exports.put(kv[0], kv[1]);
      }
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> usage =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          exports.get("OPENAI_BASE_URL")
                              + "/organization/usage/completions?start_time=1730419200"))
                  .header("Authorization", "Bearer " + exports.get("OPENAI_ADMIN_KEY"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> models =
          http.send(
              HttpRequest.newBuilder(URI.create(exports.get("OPENAI_BASE_URL") + "/models"))
                  .header("Authorization", "Bearer " + exports.get("OPENAI_API_KEY_CHATDEV"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(usage.statusCode()).isEqualTo(503);
      assertThat(usage.body()).contains("server_error");
      assertThat(models.statusCode()).isEqualTo(200);
    } finally {
      sim.destroy();
      assertThat(sim.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(dir.resolve("sim.err")))
        .contains(
            "faults 503:1.0 under /organization/usage, late revisions 0.5 (PT1M..PT2M later)");
  }
}
