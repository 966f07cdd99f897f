package dev.tokenledger.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs {@code tokenledger sim} as a real process, as a harness would, and talks to it. */
class SimCommandTest {
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
}
