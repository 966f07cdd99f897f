package dev.tokenledger.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A 100 MB body streamed through, and a client that leaves mid-stream. */
class LongExchangesTest {
  private static final long HUNDRED_MB = 100L * 1024 * 1024;
  private static final byte[] ITEM =
      "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.0123,-0.0456]},"
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] HEAD =
      "{\"object\":\"list\",\"data\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL =
      "{}],\"model\":\"text-embedding-3-large\",\"usage\":{\"prompt_tokens\":21,\"total_tokens\":21}}"
          .getBytes(StandardCharsets.UTF_8);

  private HttpServer upstream;
  private MeteringProxy proxy;
  private final RecordingSink sink = new RecordingSink();
  private final AtomicLong sentCrc = new AtomicLong();
  private final CountDownLatch upstreamSawClose = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    upstream.setExecutor(Executors.newCachedThreadPool());
    upstream.createContext(
        "/v1/embeddings",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, 0);
          CRC32 crc = new CRC32();
          try (OutputStream out = ex.getResponseBody()) {
            write(out, crc, HEAD);
            byte[] block = new byte[ITEM.length * 4096];
            for (int i = 0; i < 4096; i++) {
              System.arraycopy(ITEM, 0, block, i * ITEM.length, ITEM.length);
            }
            for (long sent = 0; sent < HUNDRED_MB; sent += block.length) {
              write(out, crc, block);
            }
            write(out, crc, TAIL);
          }
          sentCrc.set(crc.getValue());
        });
    upstream.createContext(
        "/v1/chat/completions",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.getResponseHeaders().set("Content-Type", "text/event-stream");
          ex.sendResponseHeaders(200, 0);
          OutputStream out = ex.getResponseBody();
          try {
            // keep streaming until the proxy drops the connection (the client left)
            for (int i = 0; i < 100_000; i++) {
              out.write(
                  ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                          + i
                          + "\"}}],\"usage\":null}\n\n")
                      .getBytes(StandardCharsets.UTF_8));
              out.flush();
              if (upstreamSawClose.await(i < 2 ? 0 : 5, TimeUnit.MILLISECONDS)) {
                return;
              }
            }
          } catch (IOException e) {
            upstreamSawClose.countDown();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            ex.close();
          }
        });
    upstream.start();
    proxy =
        MeteringProxy.builder(
                URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1"))
            .sink(sink)
            .start();
  }

  private static void write(OutputStream out, CRC32 crc, byte[] bytes) throws IOException {
    out.write(bytes);
    crc.update(bytes);
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.stop(0);
  }

  @Test
  void aHundredMegabyteBodyPassesWholeAndItsUsageAtTheEndIsRead() throws Exception {
    HttpResponse<InputStream> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(proxy.baseUrl("big", 1) + "/embeddings"))
                    .header("Authorization", "Bearer sk-test")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"text-embedding-3-large\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    CRC32 crc = new CRC32();
    long bytes = 0;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
        bytes += n;
      }
    }

    assertThat(bytes).isGreaterThan(HUNDRED_MB);
    assertThat(crc.getValue()).isEqualTo(sentCrc.get());
    MeteredRequest rec = sink.next();
    assertThat(rec.usage()).isEqualTo(MeteredUsage.of(21, 0, 0));
    assertThat(rec.model()).isEqualTo("text-embedding-3-large");
  }

  @Test
  void aClientThatLeavesMidStreamClosesTheUpstreamExchangeAndIsRecordedInterrupted()
      throws Exception {
    int port = proxy.port();
    String body =
        "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /r/left/s/1/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String seen = "";
      byte[] buf = new byte[4096];
      while (!seen.contains("data: ")) {
        int n = in.read(buf);
        assertThat(n).isPositive();
        seen += new String(buf, 0, n, StandardCharsets.UTF_8);
      }
      assertThat(seen).startsWith("HTTP/1.1 200");
    }

    assertThat(upstreamSawClose.await(30, TimeUnit.SECONDS))
        .as("the upstream saw its connection closed")
        .isTrue();
    MeteredRequest rec = sink.next();
    assertThat(rec.runId()).isEqualTo("left");
    assertThat(rec.usageState()).isEqualTo(UsageState.INTERRUPTED);
    assertThat(rec.note()).contains("client closed");
  }
}
