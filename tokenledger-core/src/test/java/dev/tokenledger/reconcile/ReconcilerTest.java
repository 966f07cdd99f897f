package dev.tokenledger.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.config.ApiKey;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.MutableClock;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.UsageEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * The reconciler against a scripted Usage API: what it does when a read goes down, when a run has
 * no key id, and when a run is still open.
 */
class ReconcilerTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  private static final ApiKey ADMIN = ApiKey.of("sk-admin-test-fake-key-0000000000000000wxyz");
  private static final PassRequest COMPLETIONS =
      PassRequest.notFinal().withEndpoints(List.of(UsageEndpoint.COMPLETIONS));

  @TempDir Path dir;
  private final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(T0);
  private final AtomicLong input = new AtomicLong(1_000);
  private final AtomicBoolean down = new AtomicBoolean();
  private Ledger ledger;
  private Reconciler reconciler;

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public @NotNull MockResponse dispatch(@NotNull RecordedRequest request) {
            if (down.get()) {
              return new MockResponse.Builder()
                  .code(500)
                  .body("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}")
                  .build();
            }
            return new MockResponse.Builder().code(200).body(page(request)).build();
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
    // a short min-age keeps the timelines below readable; the default is RunSettlerTest's
    reconciler =
        Reconciler.builder(ledger, client).settings(QuickSettling.SETTINGS).clock(clock).build();
  }

  @AfterEach
  void stop() {
    ledger.close();
    server.close();
  }

  /** One bucket at 10:00 for key_a with {@link #input} input tokens, when the window holds it. */
  private String page(RecordedRequest request) {
    long start = Long.parseLong(request.getUrl().queryParameter("start_time"));
    long end = Long.parseLong(request.getUrl().queryParameter("end_time"));
    long minute = T0.getEpochSecond();
    String results =
        start <= minute && minute < end
            ? "{\"object\":\"organization.usage.completions.result\",\"input_tokens\":"
                + input.get()
                + ",\"input_cached_tokens\":0,\"output_tokens\":50,\"num_model_requests\":2,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"api_key_id\":\"key_a\",\"batch\":false,"
                + "\"service_tier\":\"default\",\"project_id\":\"proj_1\"}"
            : "";
    return "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":"
        + minute
        + ",\"end_time\":"
        + (minute + 60)
        + ",\"results\":["
        + results
        + "]}],\"has_more\":false,\"next_page\":null}";
  }

  private String run(String keyId, Instant end) {
    return ledger
        .recordFinishedRun(
            RunSpec.builder("chatdev")
                .apiKeyId(keyId)
                .startedAt(T0.plusSeconds(5))
                .endedAt(end)
                .build(),
            List.of())
        .runId();
  }

  private RunOutcome pass(String runId) {
    return reconciler.pass(COMPLETIONS).runs().stream()
        .filter(r -> r.run().id().equals(runId))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aReadThatGoesDownIsAWarningUntilAPersonAcceptsIt() {
    String run = run("key_a", T0.plusSeconds(50));
    clock.set(T0.plus(Duration.ofMinutes(20)));
    assertThat(pass(run).status()).isEqualTo(ReconcileStatus.SETTLING);

    input.set(900);
    clock.advance(Duration.ofMinutes(5));
    RunOutcome down = pass(run);

    assertThat(down.status()).isEqualTo(ReconcileStatus.WARNING);
    assertThat(down.assessment().warning().kind()).isEqualTo(ReconcileWarning.Kind.DECREASE);
    assertThat(down.assessment().warning().delta().input()).isEqualTo(-100);
    assertThat(down.figures()).isEqualTo(new TokenCounts(900, 0, 50, 2));
    clock.advance(Duration.ofMinutes(5));
    assertThat(pass(run).status()).as("no later read recovered").isEqualTo(ReconcileStatus.WARNING);

    reconciler.accept(run);
    RunOutcome accepted = pass(run);
    assertThat(accepted.status()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(accepted.read()).isFalse();
    assertThat(ledger.run(run).reconcileStatus()).isEqualTo(ReconcileStatus.FINAL);
    assertThatThrownBy(() -> reconciler.accept(run))
        .isInstanceOf(ReconcileException.class)
        .hasMessageContaining("is final, not in warning");
  }

  @Test
  void aReadThatComesBackUpEndsTheWarning() {
    String run = run("key_a", T0.plusSeconds(50));
    clock.set(T0.plus(Duration.ofMinutes(20)));
    pass(run);
    input.set(900);
    clock.advance(Duration.ofMinutes(5));
    assertThat(pass(run).status()).isEqualTo(ReconcileStatus.WARNING);

    input.set(1_000);
    clock.advance(Duration.ofMinutes(5));

    assertThat(pass(run).status()).isEqualTo(ReconcileStatus.SETTLING);
  }

  @Test
  void aFinalRunLeftInErrorByAFailedForcedPassIsReadAgainAndReturnsToFinal() {
    String run = run("key_a", T0.plusSeconds(50));
    for (int minute = 20; minute <= 30; minute += 5) {
      clock.set(T0.plus(Duration.ofMinutes(minute)));
      pass(run);
    }
    assertThat(ledger.run(run).reconcileStatus()).isEqualTo(ReconcileStatus.FINAL);

    down.set(true);
    clock.advance(Duration.ofMinutes(5));
    RunOutcome failed =
        reconciler.pass(COMPLETIONS.withForce(true)).runs().stream()
            .filter(r -> r.run().id().equals(run))
            .findFirst()
            .orElseThrow();
    assertThat(failed.status()).isEqualTo(ReconcileStatus.ERROR);
    assertThat(failed.assessment().settledStatus()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(ledger.run(run).reconcileStatus()).isEqualTo(ReconcileStatus.ERROR);

    down.set(false);
    int before = server.getRequestCount();
    clock.advance(Duration.ofMinutes(1));
    RunOutcome healed = pass(run);

    assertThat(server.getRequestCount() - before).as("usage requests of the ordinary pass").isOne();
    assertThat(healed.read()).isTrue();
    assertThat(healed.status()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(healed.figures()).isEqualTo(new TokenCounts(1_000, 0, 50, 2));
    assertThat(ledger.run(run).reconcileStatus()).isEqualTo(ReconcileStatus.FINAL);
  }

  @Test
  void watchWithoutATimeoutEndsOnceARunLeftInErrorIsReadAgain() {
    String run = run("key_a", T0.plusSeconds(50));
    for (int minute = 20; minute <= 30; minute += 5) {
      clock.set(T0.plus(Duration.ofMinutes(minute)));
      pass(run);
    }
    down.set(true);
    reconciler.pass(COMPLETIONS.withForce(true));
    down.set(false);
    List<PassReport> passes = new ArrayList<>();

    PassReport last =
        reconciler.watch(
            COMPLETIONS,
            null,
            wait -> {
              if (passes.size() >= 3) {
                // the watch would go on for ever: stop it here
                throw new InterruptedException();
              }
              clock.advance(wait);
            },
            passes::add);
    Thread.interrupted();

    assertThat(passes).hasSize(1);
    assertThat(last.settled()).isTrue();
    assertThat(last.count(ReconcileStatus.FINAL)).isOne();
  }

  @Test
  void aFinalRunIsReadOnceMoreAtTwiceTheLargestDelaySeenAndThenNotAgain() {
    String run = run("key_a", T0.plusSeconds(50));
    // its usage keeps arriving until 80 minutes after the start: the delay seen is 79m10s
    for (int minute = 20; minute <= 80; minute += 5) {
      clock.set(T0.plus(Duration.ofMinutes(minute)));
      input.addAndGet(100);
      assertThat(pass(run).status()).isNotEqualTo(ReconcileStatus.FINAL);
    }
    clock.set(T0.plus(Duration.ofMinutes(85)));
    pass(run);
    clock.set(T0.plus(Duration.ofMinutes(90)));
    assertThat(pass(run).status()).isEqualTo(ReconcileStatus.FINAL);
    Instant due = T0.plusSeconds(50).plus(Duration.ofSeconds(79 * 60 + 10).multipliedBy(2));
    assertThat(recheckAt(run)).isEqualTo(due);

    clock.set(due.minusSeconds(60));
    int before = server.getRequestCount();
    assertThat(reconciler.pass(COMPLETIONS).runs()).as("not due yet").isEmpty();
    clock.set(due);
    RunOutcome again = pass(run);

    assertThat(server.getRequestCount() - before).isOne();
    assertThat(again.read()).isTrue();
    assertThat(again.status()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(recheckAt(run)).isNull();
    clock.advance(Duration.ofDays(1));
    assertThat(reconciler.pass(COMPLETIONS).runs()).as("once more, not again").isEmpty();
  }

  @Test
  void aReadOnceMoreThatFindsMoreIsAWarning() {
    String run = run("key_a", T0.plusSeconds(50));
    for (int minute = 20; minute <= 30; minute += 5) {
      clock.set(T0.plus(Duration.ofMinutes(minute)));
      pass(run);
    }
    assertThat(recheckAt(run))
        .as("an hour after it became final")
        .isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    input.set(1_500);
    clock.set(recheckAt(run));

    RunOutcome again = pass(run);

    assertThat(again.status()).isEqualTo(ReconcileStatus.WARNING);
    assertThat(again.assessment().warning().kind())
        .isEqualTo(ReconcileWarning.Kind.CHANGED_AFTER_FINAL);
    assertThat(again.assessment().warning().delta().input()).isEqualTo(500);
    assertThat(ledger.run(run).reconcileStatus()).isEqualTo(ReconcileStatus.WARNING);
    reconciler.accept(run);
    clock.advance(Duration.ofMinutes(5));
    assertThat(pass(run).status()).isEqualTo(ReconcileStatus.FINAL);
  }

  private Instant recheckAt(String runId) {
    return ledger.settlementStore().states(List.of(runId)).get(0).recheckAt();
  }

  @Test
  void theUsageRowsOfAReadAreStoredExactlyAsTheApiReturnedThem() throws Exception {
    String run = run("key_a", T0.plusSeconds(50));
    clock.set(T0.plus(Duration.ofMinutes(20)));
    pass(run);

    String returned =
        "{\"object\":\"organization.usage.completions.result\",\"input_tokens\":1000,"
            + "\"input_cached_tokens\":0,\"output_tokens\":50,\"num_model_requests\":2,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"api_key_id\":\"key_a\",\"batch\":false,"
            + "\"service_tier\":\"default\",\"project_id\":\"proj_1\"}";
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(ledger.location().jdbcUrl());
        java.sql.ResultSet rs =
            c.createStatement().executeQuery("SELECT DISTINCT raw_json FROM usage_buckets")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(returned);
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void aRunWithoutAKeyIdIsNotReadAndSaysWhy() {
    String run = run(null, T0.plusSeconds(50));
    clock.set(T0.plus(Duration.ofMinutes(20)));

    RunOutcome o = pass(run);

    assertThat(o.read()).isFalse();
    assertThat(o.status()).isEqualTo(ReconcileStatus.PENDING);
    assertThat(o.note()).contains("no key id");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void anOpenRunIsReadUpToNowAndStaysPending() throws Exception {
    String run =
        ledger
            .startRun(
                RunSpec.builder("chatdev").apiKeyId("key_a").startedAt(T0.plusSeconds(5)).build())
            .id();
    clock.set(T0.plus(Duration.ofMinutes(20)));

    RunOutcome o = pass(run);

    assertThat(o.read()).isTrue();
    assertThat(o.status()).isEqualTo(ReconcileStatus.PENDING);
    assertThat(o.figures()).isEqualTo(new TokenCounts(1_000, 0, 50, 2));
    RecordedRequest request = server.takeRequest();
    assertThat(request.getUrl().queryParameter("end_time"))
        .isEqualTo(String.valueOf(T0.plus(Duration.ofMinutes(20)).getEpochSecond()));
    assertThat(request.getUrl().queryParameterValues("group_by[]"))
        .containsExactly("api_key_id", "model", "project_id", "service_tier", "batch");
    assertThat(request.getUrl().queryParameter("bucket_width")).isEqualTo("1m");
    assertThat(request.getUrl().queryParameterValues("api_key_ids[]")).containsExactly("key_a");
  }

  @Test
  void acceptingAFinalRunNamesItsStoredStatusWhateverTheSettingsOfThisCall() {
    String run = run("key_a", T0.plusSeconds(50));
    clock.set(T0.plus(Duration.ofMinutes(20)));
    pass(run);
    clock.advance(Duration.ofMinutes(5));
    pass(run);
    clock.advance(Duration.ofMinutes(5));
    assertThat(pass(run).status()).isEqualTo(ReconcileStatus.FINAL);
    // the default min-age (1 h) has not passed: assessed afresh, the run would look pending
    Reconciler defaults =
        Reconciler.builder(
                ledger,
                OpenAiAdminClient.builder()
                    .baseUrl(server.url("/v1").toString())
                    .adminKey(ADMIN)
                    .clock(clock)
                    .build())
            .clock(clock)
            .build();

    assertThatThrownBy(() -> defaults.accept(run))
        .isInstanceOf(ReconcileException.class)
        .hasMessageContaining("is final, not in warning");
  }
}
