package dev.tokenledger.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.MutableClock;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.UsageEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jetbrains.annotations.NotNull;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs already in a ledger with a window no run can have (recorded before import checked them, or
 * through the Java API) are skipped with a note: they cost no request and never take the other runs
 * of the pass down with them (the API answers a negative start_time with a 400).
 */
class ImplausibleWindowTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  private static final ApiKey ADMIN = ApiKey.of("sk-admin-test-fake-key-0000000000000000wxyz");

  @TempDir Path dir;
  private final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(T0);
  private final List<Long> startTimes = new CopyOnWriteArrayList<>();
  private Ledger ledger;
  private Reconciler reconciler;

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public @NotNull MockResponse dispatch(@NotNull RecordedRequest request) {
            long start = Long.parseLong(request.getUrl().queryParameter("start_time"));
            startTimes.add(start);
            if (start < 0) {
              return new MockResponse.Builder()
                  .code(400)
                  .body("{\"error\":{\"message\":\"start_time must be positive\"}}")
                  .build();
            }
            long minute = T0.getEpochSecond();
            return new MockResponse.Builder()
                .code(200)
                .body(
                    "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":"
                        + minute
                        + ",\"end_time\":"
                        + (minute + 60)
                        + ",\"results\":[{\"object\":\"organization.usage.completions.result\","
                        + "\"input_tokens\":100,\"output_tokens\":50,\"num_model_requests\":2,"
                        + "\"model\":\"gpt-4o-mini\",\"api_key_id\":\"key_a\"}]}],"
                        + "\"has_more\":false,\"next_page\":null}")
                .build();
          }
        });
    server.start();
    ledger =
        Ledger.builder(LedgerLocation.sqlite(dir.resolve("ledger.db")))
            .clock(clock)
            .heartbeatInterval(Duration.ZERO)
            .open();
    OpenAiAdminClient client =
        OpenAiAdminClient.builder()
            .baseUrl(server.url("/v1").toString())
            .adminKey(ADMIN)
            .clock(clock)
            .sleeper(clock::advance)
            .build();
    reconciler =
        Reconciler.builder(ledger, client).settings(QuickSettling.SETTINGS).clock(clock).build();
  }

  @AfterEach
  void stop() {
    ledger.close();
    server.close();
  }

  private String run(Instant start, Instant end) {
    return ledger
        .recordFinishedRun(
            RunSpec.builder("chatdev").apiKeyId("key_a").startedAt(start).endedAt(end).build(),
            List.of())
        .runId();
  }

  @Test
  void runsWithImplausibleWindowsAreSkippedWithANoteAndTheOthersAreRead() {
    String good = run(T0.plusSeconds(5), T0.plusSeconds(50));
    String epoch = run(Instant.ofEpochSecond(-5), Instant.ofEpochSecond(30));
    String long40 = run(T0.minus(Duration.ofDays(40)), T0.minusSeconds(600));
    clock.set(T0.plus(Duration.ofMinutes(20)));

    PassReport report =
        reconciler.pass(PassRequest.notFinal().withEndpoints(List.of(UsageEndpoint.COMPLETIONS)));

    assertThat(report.apiError()).isNull();
    RunOutcome goodOutcome = outcome(report, good);
    assertThat(goodOutcome.read()).isTrue();
    assertThat(goodOutcome.figures().input()).isEqualTo(100);
    assertThat(outcome(report, epoch).note())
        .startsWith("not read: its window")
        .contains("before 2020-01-01");
    assertThat(outcome(report, long40).note()).contains("longer than 31 days");
    assertThat(outcome(report, epoch).read()).isFalse();
    assertThat(startTimes).hasSize(1).allSatisfy(s -> assertThat(s).isPositive());
  }

  private static RunOutcome outcome(PassReport report, String runId) {
    return report.runs().stream().filter(r -> r.run().id().equals(runId)).findFirst().orElseThrow();
  }
}
