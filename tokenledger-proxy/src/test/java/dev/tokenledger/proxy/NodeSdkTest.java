package dev.tokenledger.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.metering.KeyIdentifier;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} Node SDK (installed by {@code npm ci} in the build, see the POM),
 * given the proxy's tagged base URL as {@code OPENAI_BASE_URL} the way {@code run exec --meter}
 * gives it to a child, against the simulator.
 */
class NodeSdkTest {
  private static final Path SCRIPT_DIR = Path.of("src", "test", "node");
  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenAiSimulator sim;
  private SimKey key;
  private MeteringProxy proxy;
  private final RecordingSink sink = new RecordingSink();

  @BeforeEach
  void start() {
    SimClock clock = SimClock.stepped(Instant.parse("2025-10-27T11:00:00Z"));
    sim =
        OpenAiSimulator.builder()
            .clock(clock)
            .seed(5)
            .reportingDelay(ReportingDelay.none())
            .start();
    key = sim.register(SimKey.project("baes", "proj_node"));
    String value = key.apiKey().revealForChildProcess();
    String id = key.id();
    proxy =
        MeteringProxy.builder(sim.baseUrl())
            .clock(clock)
            .sink(sink)
            .keyIdentifier(k -> new KeyIdentifier.KeyRef("fp", k.equals(value) ? id : null))
            .start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    sim.close();
  }

  private Map<String, JsonNode> node(String phase) throws IOException, InterruptedException {
    assertThat(SCRIPT_DIR.resolve("node_modules/openai/package.json"))
        .as("the openai package, installed by npm ci during the build")
        .exists();
    ProcessBuilder pb = new ProcessBuilder("node", "sdk-calls.mjs", phase);
    pb.directory(SCRIPT_DIR.toFile());
    pb.environment().put("OPENAI_BASE_URL", proxy.baseUrl("run-node", 3).toString());
    pb.environment().put("OPENAI_API_KEY", key.apiKey().revealForChildProcess());
    Path err = Files.createTempFile("node-sdk", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(err)).isZero();
    Map<String, JsonNode> calls = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        JsonNode n = JSON.readTree(line);
        calls.put(n.get("call").asText(), n);
      }
    }
    return calls;
  }

  @Test
  void theNodeSdkSeesWhatItAskedForAndEveryCallIsRecordedAsServed() throws Exception {
    Map<String, JsonNode> seen = node("calls");
    proxy.close();
    List<MeteredRequest> records = sink.all();

    JsonNode stream = seen.get("chat-stream");
    assertThat(stream.get("chunks").asInt()).isGreaterThan(2);
    assertThat(stream.get("emptyChoices").asInt()).as("usage chunks it did not ask for").isZero();
    assertThat(stream.get("usageMembers").asInt()).as("\"usage\": null members").isZero();
    assertThat(seen.get("chat-stream-usage").get("lastChoices").asInt()).isZero();

    assertThat(records).hasSize(6);
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.runId()).isEqualTo("run-node");
              assertThat(r.stepIndex()).isEqualTo(3);
              assertThat(r.apiKeyId()).isEqualTo(key.id());
              assertThat(r.usageState()).isEqualTo(UsageState.REPORTED);
            });
    assertThat(records.get(0).usage().input())
        .isEqualTo(seen.get("chat").get("usage").get("prompt_tokens").asLong());
    assertThat(records.get(2).usage().output())
        .isEqualTo(seen.get("chat-stream-usage").get("usage").get("completion_tokens").asLong());
    assertThat(records.get(3).usage().output())
        .isEqualTo(seen.get("responses").get("usage").get("output_tokens").asLong());
    assertThat(records.get(4).usage().input())
        .isEqualTo(seen.get("responses-stream").get("usage").get("input_tokens").asLong());
    assertThat(records.get(5).usage().input())
        .isEqualTo(seen.get("embeddings").get("usage").get("prompt_tokens").asLong());
    long servedInput = sim.served().stream().mapToLong(s -> s.counts().input()).sum();
    long servedOutput = sim.served().stream().mapToLong(s -> s.counts().output()).sum();
    assertThat(records.stream().mapToLong(r -> r.usage().input()).sum()).isEqualTo(servedInput);
    assertThat(records.stream().mapToLong(r -> r.usage().output()).sum()).isEqualTo(servedOutput);
  }

  @Test
  void rateLimitsServerErrorsAndCutStreamsReachTheNodeSdkAsTheyWould() throws Exception {
    sim.faults().onPath("/chat/completions").next(1, Fault.rateLimited(2));
    sim.faults().onPath("/chat/completions").next(1, Fault.serverError(500));
    sim.faults().onPath("/chat/completions").next(1, Fault.truncatedBody());

    Map<String, JsonNode> seen = node("faults");
    proxy.close();
    List<MeteredRequest> records = sink.all();

    assertThat(seen.get("rate-limited").get("status").asInt()).isEqualTo(429);
    assertThat(seen.get("rate-limited").get("retryAfter").asText()).isEqualTo("2");
    assertThat(seen.get("server-error").get("status").asInt()).isEqualTo(500);
    assertThat(seen.get("cut").get("error").isNull()).isFalse();
    assertThat(records).extracting(MeteredRequest::httpStatus).containsExactly(429, 500, 200);
    assertThat(records)
        .extracting(MeteredRequest::usageState)
        .containsExactly(UsageState.NONE, UsageState.NONE, UsageState.INTERRUPTED);
  }
}
