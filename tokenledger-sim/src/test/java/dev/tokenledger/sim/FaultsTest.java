package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultsTest {
  private static final String USAGE =
      "/organization/usage/completions?start_time=1730419200&end_time=1730505600";
  private static final Map<String, Object> CHAT =
      Map.of("model", "gpt-4o-mini", "messages", List.of(Map.of("role", "user", "content", "hi")));

  private OpenAiSimulator sim;
  private SimHttp http;
  private SimKey admin;
  private SimKey key;

  @BeforeEach
  void start() {
    sim =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(Instant.parse("2024-11-03T12:00:00Z")))
            .reportingDelay(ReportingDelay.none())
            .seed(3)
            .start();
    http = new SimHttp(sim);
    admin = sim.register(SimKey.admin("usage reader"));
    key = sim.register(SimKey.project("chatdev", "proj_a"));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void theNextTwoRequestsToAnEndpointAreRateLimitedWithRetryAfter() throws Exception {
    sim.faults().onPath("/organization/usage/completions").next(2, Fault.rateLimited(1));

    SimHttp.Reply first = http.get(admin, USAGE);
    SimHttp.Reply other = http.get(admin, "/organization/projects");
    SimHttp.Reply second = http.get(admin, USAGE);
    SimHttp.Reply third = http.get(admin, USAGE);

    assertThat(first.status()).isEqualTo(429);
    assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(first.json().at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(other.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(429);
    assertThat(third.status()).isEqualTo(200);
    assertThat(sim.faults().pending()).isZero();
    assertThat(sim.requests("/organization/usage"))
        .extracting(RecordedRequest::status)
        .containsExactly(429, 429, 200);
  }

  @Test
  void aRateLimitMayComeWithoutRetryAfter() throws Exception {
    sim.faults().onAnyRequest().next(1, Fault.rateLimitedWithoutRetryAfter());

    SimHttp.Reply r = http.get(admin, USAGE);

    assertThat(r.status()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).isEmpty();
  }

  @Test
  void serverErrorsCarryOpenAisErrorBody() throws Exception {
    sim.faults()
        .onPath("/organization")
        .next(1, Fault.serverError(500))
        .next(1, Fault.serverError(502))
        .next(1, Fault.serverError(503));

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SimHttp.Reply r = http.get(admin, USAGE);
      statuses.add(r.status());
      assertThat(r.json().at("/error/type").asText()).isEqualTo("server_error");
    }

    assertThat(statuses).containsExactly(500, 502, 503);
  }

  @Test
  void faultsCanTargetOneKey() throws Exception {
    SimKey other = sim.register(SimKey.project("baes", "proj_a"));
    sim.faults().onKey(key.id()).andPath("/chat/completions").next(1, Fault.serverError(503));

    assertThat(http.post(other, "/chat/completions", CHAT).status()).isEqualTo(200);
    assertThat(http.post(key, "/chat/completions", CHAT).status()).isEqualTo(503);
    assertThat(http.post(key, "/chat/completions", CHAT).status()).isEqualTo(200);
    assertThat(sim.served()).hasSize(2);
  }

  @Test
  void aResetConnectionGetsNoResponseAtAll() throws Exception {
    // java.net.http retries an idempotent request once on a dropped connection: reset both tries
    sim.faults().onPath("/organization/usage").next(2, Fault.connectionReset());

    assertThatThrownBy(() -> http.get(admin, USAGE)).isInstanceOf(IOException.class);
    assertThat(http.get(admin, USAGE).status()).isEqualTo(200);
    RecordedRequest reset = sim.requests().get(0);
    assertThat(reset.status()).isZero();
    assertThat(reset.fault().kind()).isEqualTo(Fault.Kind.CONNECTION_RESET);
  }

  @Test
  void aTruncatedBodyAnnouncesMoreThanItSends() throws Exception {
    sim.faults().onPath("/organization/usage").next(1, Fault.truncatedBody());

    try (Socket s = new Socket("127.0.0.1", sim.port())) {
      String req =
          "GET /v1"
              + USAGE
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
              + admin.apiKey().bearerHeaderValue()
              + "\r\n\r\n";
      s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(10_000);
      String received = new String(readAll(s.getInputStream()), StandardCharsets.UTF_8);
      int split = received.indexOf("\r\n\r\n");
      String headers = received.substring(0, split).toLowerCase(java.util.Locale.ROOT);
      int announced = Integer.parseInt(headers.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
      int got = received.length() - split - 4;
      assertThat(headers).startsWith("http/1.1 200");
      assertThat(got).isLessThan(announced).isPositive();
    }
    assertThatThrownBy(() -> sim.faults().onPath("/x").next(0, Fault.truncatedBody()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTruncatedModelResponseIsStillServedAndBilled() throws Exception {
    sim.faults().onPath("/chat/completions").next(1, Fault.truncatedBody());

    assertThatThrownBy(() -> http.post(key, "/chat/completions", CHAT))
        .isInstanceOf(IOException.class);
    assertThat(sim.served()).hasSize(1);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (IOException closed) {
      // the server dropped the connection mid-body, as intended
    }
    return out.toByteArray();
  }

  @Test
  void aProxyErrorPageIsHtmlNotJson() throws Exception {
    sim.faults().onPath("/organization/costs").next(1, Fault.htmlErrorPage());

    SimHttp.Reply r = http.get(admin, "/organization/costs?start_time=1730419200");

    assertThat(r.status()).isEqualTo(502);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html");
    assertThat(r.body()).contains("<title>502 Bad Gateway</title>");
  }

  @Test
  void aSlowResponseArrivesIntactAfterItsDelay() throws Exception {
    sim.faults().onPath("/organization/usage").next(1, Fault.slow(Duration.ofMillis(50)));

    assertThat(http.get(admin, USAGE).status()).isEqualTo(200);
    assertThatThrownBy(() -> Fault.slow(Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHeldRequestWaitsForTheTestAndIsFiledInTheMinuteItFinished() throws Exception {
    FaultGate gate = new FaultGate();
    sim.faults().onPath("/chat/completions").next(1, Fault.holdUntilReleased(gate));

    CompletableFuture<SimHttp.Reply> pending =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return http.post(key, "/chat/completions", CHAT);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(gate.awaitHeld(Duration.ofSeconds(10))).isTrue();
    assertThat(pending).isNotDone();
    sim.clock().advance(Duration.ofMinutes(3));
    gate.release();

    assertThat(pending.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(sim.served())
        .singleElement()
        .satisfies(u -> assertThat(u.minute()).isEqualTo(Instant.parse("2024-11-03T12:03:00Z")));
  }

  @Test
  void randomFaultsAreSeededAndReplayTheSameWay() throws Exception {
    List<Integer> first = randomRun();
    List<Integer> second = randomRun();

    assertThat(first).isEqualTo(second);
    assertThat(first).contains(200, 503);
  }

  private List<Integer> randomRun() throws Exception {
    try (OpenAiSimulator s =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(Instant.parse("2024-11-03T12:00:00Z")))
            .reportingDelay(ReportingDelay.none())
            .seed(11)
            .start()) {
      SimKey a = s.register(SimKey.admin("usage reader"));
      s.faults()
          .onPath("/organization/usage")
          .randomly(0.3, Fault.serverError(503), Fault.rateLimited(2));
      SimHttp h = new SimHttp(s);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        statuses.add(h.get(a, USAGE).status());
      }
      return statuses;
    }
  }
}
