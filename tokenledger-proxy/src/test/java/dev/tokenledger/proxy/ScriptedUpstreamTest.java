package dev.tokenledger.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.openai.UsageEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against a scripted upstream: what goes up and what comes back, byte for byte. */
class ScriptedUpstreamTest {
  private static final String KEY = "sk-proj-scripted-0000000000000000wxyz";
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");

  private MockWebServer upstream;
  private MeteringProxy proxy;
  private final RecordingSink sink = new RecordingSink();
  private final List<ProxyFailure> failures = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws IOException {
    upstream = new MockWebServer();
    upstream.start();
    proxy =
        MeteringProxy.builder(upstreamBase())
            .sink(sink)
            .clock(Clock.fixed(T0, ZoneOffset.UTC))
            .keyIdentifier(
                k ->
                    new dev.tokenledger.metering.KeyIdentifier.KeyRef(
                        "fp-" + k.length(), "key_abc"))
            .onFailure(failures::add)
            .start();
  }

  private URI upstreamBase() {
    return URI.create("http://127.0.0.1:" + upstream.getPort() + "/v1");
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.close();
  }

  private HttpResponse<byte[]> post(String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(proxy.baseUrl("run-1", 2) + path))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String chunk(String content, boolean usageNull) {
    return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + content
        + "\"},\"finish_reason\":null}]"
        + (usageNull ? ",\"usage\":null" : "")
        + "}\n\n";
  }

  private static final String USAGE_CHUNK =
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
          + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,"
          + "\"completion_tokens\":2,\"total_tokens\":11,\"prompt_tokens_details\":{\"cached_tokens\":0},"
          + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n";

  private static MockResponse sse(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "text/event-stream; charset=utf-8")
        .addHeader("x-request-id", "req_stream")
        .chunkedBody(body, 7)
        .build();
  }

  @Test
  void aStreamThatDidNotAskForUsageGetsItUpstreamAndTheClientSeesExactlyTheStreamItAskedFor()
      throws Exception {
    String withUsage = chunk("Hel", true) + chunk("lo", true) + USAGE_CHUNK + "data: [DONE]\n\n";
    String withoutUsage = chunk("Hel", false) + chunk("lo", false) + "data: [DONE]\n\n";
    upstream.enqueue(sse(withUsage));
    String body =
        "{\"model\":\"gpt-4o-mini\",\"temperature\":1.0,\"top_p\":0.10000000000000001,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}], \"stream\" : true }";

    HttpResponse<byte[]> r = post("/chat/completions", body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(withoutUsage);
    RecordedRequest sent = upstream.takeRequest();
    assertThat(sent.getBody().utf8())
        .isEqualTo(
            "{\"model\":\"gpt-4o-mini\",\"temperature\":1.0,\"top_p\":0.10000000000000001,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}], \"stream\" : true "
                + ",\"stream_options\":{\"include_usage\":true}}");
    assertThat(sent.getTarget()).isEqualTo("/v1/chat/completions");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(sent.getHeaders().get("Host")).isEqualTo("127.0.0.1:" + upstream.getPort());
    MeteredRequest rec = sink.next();
    assertThat(rec.runId()).isEqualTo("run-1");
    assertThat(rec.stepIndex()).isEqualTo(2);
    assertThat(rec.usageState()).isEqualTo(UsageState.REPORTED);
    assertThat(rec.usage()).isEqualTo(MeteredUsage.of(9, 0, 2));
    assertThat(rec.streamed()).isTrue();
    assertThat(rec.model()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(rec.requestId()).isEqualTo("req_stream");
    assertThat(rec.endpoint()).isEqualTo(UsageEndpoint.COMPLETIONS);
    assertThat(rec.keyFingerprint()).isEqualTo("fp-" + KEY.length());
    assertThat(rec.apiKeyId()).isEqualTo("key_abc");
    assertThat(rec.path()).isEqualTo("/chat/completions");
    assertThat(rec.toString()).doesNotContain(KEY);
  }

  @Test
  void aStreamThatAskedForUsageIsPassedOnUntouched() throws Exception {
    String withUsage = chunk("Hi", true) + USAGE_CHUNK + "data: [DONE]\n\n";
    upstream.enqueue(sse(withUsage));
    String body =
        "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[]}";

    HttpResponse<byte[]> r = post("/chat/completions", body);

    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(withUsage);
    assertThat(upstream.takeRequest().getBody().utf8()).isEqualTo(body);
    assertThat(sink.next().usage()).isEqualTo(MeteredUsage.of(9, 0, 2));
  }

  @Test
  void anUpstreamThatRefusesStreamOptionsGetsTheRequestAgainAsSentAndUsageIsUnknown()
      throws Exception {
    upstream.enqueue(
        new MockResponse.Builder()
            .code(400)
            .addHeader("Content-Type", "application/json")
            .body(
                "{\"error\":{\"message\":\"Unrecognized request argument supplied: stream_options\"}}")
            .build());
    String plain = chunk("Hi", false) + "data: [DONE]\n\n";
    upstream.enqueue(sse(plain));
    String body = "{\"model\":\"local\",\"stream\":true,\"messages\":[]}";

    HttpResponse<byte[]> r = post("/chat/completions", body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(plain);
    assertThat(upstream.takeRequest().getBody().utf8()).contains("stream_options");
    assertThat(upstream.takeRequest().getBody().utf8()).isEqualTo(body);
    MeteredRequest rec = sink.next();
    assertThat(rec.usageState()).isEqualTo(UsageState.UNKNOWN);
    assertThat(rec.usage()).isNull();
    assertThat(rec.note()).contains("stream_options");
  }

  @Test
  void anOrdinaryBadRequestToAnInjectedStreamIsPassedOnAsItCame() throws Exception {
    String error = "{\"error\":{\"message\":\"Invalid 'messages': empty array.\"}}";
    upstream.enqueue(
        new MockResponse.Builder()
            .code(400)
            .addHeader("Content-Type", "application/json")
            .addHeader("x-request-id", "req_bad")
            .body(error)
            .build());

    HttpResponse<byte[]> r =
        post("/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[]}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(error);
    assertThat(r.headers().firstValue("x-request-id")).hasValue("req_bad");
    assertThat(upstream.getRequestCount()).isEqualTo(1);
    MeteredRequest rec = sink.next();
    assertThat(rec.httpStatus()).isEqualTo(400);
    assertThat(rec.usageState()).isEqualTo(UsageState.NONE);
  }

  @Test
  void rateLimitsAndServerErrorsArePassedOnUnchanged() throws Exception {
    String limited =
        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}";
    upstream.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("Content-Type", "application/json")
            .addHeader("Retry-After", "7")
            .addHeader("x-ratelimit-remaining-requests", "0")
            .body(limited)
            .build());
    upstream.enqueue(
        new MockResponse.Builder()
            .code(500)
            .addHeader("Content-Type", "application/json")
            .body("{\"error\":{\"message\":\"The server had an error\"}}")
            .build());

    HttpResponse<byte[]> r429 =
        post("/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[]}");
    HttpResponse<byte[]> r500 =
        post("/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}");

    assertThat(r429.statusCode()).isEqualTo(429);
    assertThat(new String(r429.body(), StandardCharsets.UTF_8)).isEqualTo(limited);
    assertThat(r429.headers().firstValue("retry-after")).hasValue("7");
    assertThat(r429.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    assertThat(r500.statusCode()).isEqualTo(500);
    assertThat(new String(r500.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"error\":{\"message\":\"The server had an error\"}}");
    MeteredRequest first = sink.next();
    MeteredRequest second = sink.next();
    assertThat(first.httpStatus()).isEqualTo(429);
    assertThat(first.usageState()).isEqualTo(UsageState.NONE);
    assertThat(second.httpStatus()).isEqualTo(500);
    assertThat(second.endpoint()).isEqualTo(UsageEndpoint.EMBEDDINGS);
    assertThat(second.model()).isNull();
  }

  @Test
  void aStreamCutByTheUpstreamIsRecordedInterrupted() throws Exception {
    upstream.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "text/event-stream")
            .chunkedBody(chunk("Hel", true) + chunk("lo", true) + chunk("there", true), 40)
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
            .build());

    try {
      post("/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[]}");
    } catch (IOException expected) {
      // the client sees its connection cut, as it would without the proxy
    }

    MeteredRequest rec = sink.next();
    assertThat(rec.usageState()).isEqualTo(UsageState.INTERRUPTED);
    assertThat(rec.usage()).isNull();
    assertThat(rec.httpStatus()).isEqualTo(200);
    assertThat(rec.note()).contains("upstream closed");
  }

  @Test
  void gzipBodiesAreForwardedAsTheyCameAndTheirUsageIsRead() throws Exception {
    String json =
        "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.5,-0.25]}],"
            + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":4,\"total_tokens\":4}}";
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    upstream.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .addHeader("Content-Encoding", "gzip")
            .body(new Buffer().write(gz.toByteArray()))
            .build());

    HttpResponse<byte[]> r =
        post(
            "/embeddings",
            "{\"model\":\"text-embedding-3-small\",\"input\":\"four tokens here\"}",
            "Accept-Encoding",
            "gzip");

    assertThat(r.body()).isEqualTo(gz.toByteArray());
    assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(upstream.takeRequest().getHeaders().get("Accept-Encoding")).isEqualTo("gzip");
    MeteredRequest rec = sink.next();
    assertThat(rec.usageState()).isEqualTo(UsageState.REPORTED);
    assertThat(rec.usage()).isEqualTo(MeteredUsage.of(4, 0, 0));
    assertThat(rec.model()).isEqualTo("text-embedding-3-small");
  }

  @Test
  void anUnreachableUpstreamGivesAnOpenAiShaped502NamingIt() throws Exception {
    int port = upstream.getPort();
    upstream.close();
    String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

    HttpResponse<byte[]> r = post("/chat/completions", body);

    assertThat(r.statusCode()).isEqualTo(502);
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(text)
        .startsWith(
            "{\"error\":{\"message\":\"tokenledger proxy: cannot reach the upstream http://127.0.0.1:"
                + port
                + "/v1: ")
        .contains("\"type\":\"upstream_unreachable\"")
        .doesNotContain(KEY);
    MeteredRequest rec = sink.next();
    assertThat(rec.httpStatus()).isEqualTo(502);
    assertThat(rec.usageState()).isEqualTo(UsageState.NONE);
    assertThat(rec.note()).startsWith("upstream unreachable");
    assertThat(rec.model()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void everyPathMethodAndQueryIsForwardedAndTheUntaggedBaseRecordsNoRun() throws Exception {
    upstream.enqueue(new MockResponse.Builder().code(204).build());
    upstream.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body("{\"object\":\"list\",\"data\":[]}")
            .build());

    HttpResponse<byte[]> deleted =
        http.send(
            HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/files/file-1?x=a%2Fb&y"))
                .header("Authorization", "Bearer " + KEY)
                .header("Proxy-Authorization", "Basic c2VjcmV0")
                .header("TE", "trailers")
                .header("X-Custom", "end-to-end")
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> listed =
        http.send(
            HttpRequest.newBuilder(URI.create(proxy.baseUrl("a run/1", null) + "/models")).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(listed.statusCode()).isEqualTo(200);
    RecordedRequest d = upstream.takeRequest();
    assertThat(d.getMethod()).isEqualTo("DELETE");
    assertThat(d.getTarget()).isEqualTo("/v1/files/file-1?x=a%2Fb&y");
    assertThat(d.getHeaders().get("Proxy-Authorization")).isNull();
    assertThat(d.getHeaders().get("TE")).isNull();
    assertThat(d.getHeaders().get("X-Custom")).isEqualTo("end-to-end");
    assertThat(upstream.takeRequest().getTarget()).isEqualTo("/v1/models");
    MeteredRequest first = sink.next();
    assertThat(first.runId()).isNull();
    assertThat(first.endpoint()).isNull();
    assertThat(first.usageState()).isEqualTo(UsageState.NONE);
    MeteredRequest second = sink.next();
    assertThat(second.runId()).isEqualTo("a run/1");
    assertThat(second.stepIndex()).isNull();
    assertThat(second.keyFingerprint()).isNull();
  }

  @Test
  void aSinkThatThrowsDoesNotTouchTheClientAndIsReported() throws Exception {
    proxy.close();
    proxy =
        MeteringProxy.builder(upstreamBase())
            .sink(
                r -> {
                  throw new IllegalStateException("ledger is locked");
                })
            .onFailure(failures::add)
            .start();
    upstream.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body("{\"model\":\"m\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}")
            .build());

    HttpResponse<byte[]> r = post("/chat/completions", "{\"model\":\"m\",\"messages\":[]}");
    proxy.close();

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).runId()).isEqualTo("run-1");
    assertThat(failures.get(0).message()).contains("ledger is locked");
  }

  @Test
  void aMalformedRunTagIsRefusedWithAnOpenAiShapedError() throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.port() + "/r/run/s/zero/v1/models"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8))
        .contains("malformed run tag")
        .contains("invalid_request_error");
    assertThat(upstream.getRequestCount()).isZero();
  }
}
