package dev.tokenledger.cli.run;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A framework's process for {@link MeteredExecTest}: calls the API at {@code OPENAI_BASE_URL} with
 * {@code OPENAI_API_KEY} (one chat completion, one stream that does not ask for usage), writes what
 * it saw to the file {@code args[0]}, and exits with {@code args[1]}.
 */
public final class MeteredChildMain {
  private MeteredChildMain() {}

  public static void main(String[] args) throws Exception {
    String base = System.getenv("OPENAI_BASE_URL");
    String key = System.getenv("OPENAI_API_KEY");
    HttpClient http = HttpClient.newHttpClient();
    String plain =
        post(http, base, key, "{\"model\":\"gpt-4o-mini\",\"messages\":" + msg("plan") + "}");
    String stream =
        post(
            http,
            base,
            key,
            "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":" + msg("build") + "}");
    Files.write(
        Path.of(args[0]),
        List.of(
            "base=" + base,
            "api_base=" + System.getenv("OPENAI_API_BASE"),
            "plain_has_usage=" + plain.contains("\"usage\""),
            "stream_mentions_usage=" + stream.contains("\"usage\""),
            "stream_done=" + stream.contains("data: [DONE]")));
    System.exit(Integer.parseInt(args[1]));
  }

  private static String msg(String text) {
    return "[{\"role\":\"user\",\"content\":\"" + text + " a small library app\"}]";
  }

  private static String post(HttpClient http, String base, String key, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }
}
