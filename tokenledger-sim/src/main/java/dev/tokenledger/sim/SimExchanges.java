package dev.tokenledger.sim;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the simulator answers on the wire: bodies and event streams with OpenAI's headers, failing
 * faults (resets, 429, 5xx, an nginx page) and bodies cut short on purpose.
 */
final class SimExchanges {
  private final AtomicInteger requestIds = new AtomicInteger();

  static String bearer(HttpExchange ex) {
    String h = ex.getRequestHeaders().getFirst("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String v = h.substring(7).trim();
    return v.isEmpty() ? null : v;
  }

  void failWith(HttpExchange ex, Fault fault) throws IOException {
    switch (fault.kind()) {
      case CONNECTION_RESET -> ex.close();
      case RATE_LIMITED ->
          sendBody(ex, SimResponse.error(ApiError.rateLimited(fault.retryAfterSeconds())), false);
      case SERVER_ERROR ->
          sendBody(ex, SimResponse.error(ApiError.serverError(fault.status())), false);
      case HTML_ERROR_PAGE -> {
        String html =
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
                + "</body>\r\n</html>\r\n";
        sendBody(
            ex,
            new SimResponse.Body(502, "text/html", html.getBytes(StandardCharsets.UTF_8), Map.of()),
            false);
      }
      default -> throw new IllegalStateException("not a failing fault: " + fault);
    }
  }

  void write(HttpExchange ex, SimResponse response, boolean truncate) throws IOException {
    if (response instanceof SimResponse.Body b) {
      sendBody(ex, b, truncate);
      return;
    }
    List<byte[]> events = ((SimResponse.Events) response).events();
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.getResponseHeaders().set("x-request-id", requestId());
    if (truncate) {
      long total = 0;
      for (byte[] e : events) {
        total += e.length;
      }
      ex.sendResponseHeaders(200, total);
      OutputStream out = ex.getResponseBody();
      for (int i = 0; i < events.size() / 2; i++) {
        out.write(events.get(i));
      }
      out.flush();
      closeShort(ex);
      return;
    }
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      for (byte[] e : events) {
        out.write(e);
        out.flush();
      }
    }
  }

  void sendBody(HttpExchange ex, SimResponse.Body b, boolean truncate) throws IOException {
    ex.getResponseHeaders().set("Content-Type", b.contentType());
    ex.getResponseHeaders().set("x-request-id", requestId());
    b.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    byte[] bytes = b.bytes();
    ex.sendResponseHeaders(b.status(), bytes.length == 0 ? -1 : bytes.length);
    if (truncate) {
      OutputStream out = ex.getResponseBody();
      out.write(bytes, 0, bytes.length / 2);
      out.flush();
      closeShort(ex);
      return;
    }
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * Ends an exchange whose body is shorter than announced. The JDK server only drops the connection
   * when the handler fails, so this throws.
   */
  private static void closeShort(HttpExchange ex) throws TruncatedOnPurpose {
    throw new TruncatedOnPurpose();
  }

  /** Signals the JDK server to drop a connection whose body was cut short on purpose. */
  static final class TruncatedOnPurpose extends IOException {
    private static final long serialVersionUID = 1L;

    TruncatedOnPurpose() {
      super("response body truncated on purpose (fault injection)");
    }
  }

  private String requestId() {
    return "req_sim" + String.format("%025x", requestIds.incrementAndGet());
  }
}
