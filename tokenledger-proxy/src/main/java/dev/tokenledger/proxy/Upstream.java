package dev.tokenledger.proxy;

import io.netty.handler.ssl.SslContext;
import java.net.URI;

/**
 * Where requests go: host, port, TLS, the base path prepended to each forwarded path, and the
 * {@code Host} header to send.
 */
record Upstream(
    URI base, String host, int port, SslContext ssl, String basePath, String hostHeader) {

  static Upstream of(URI base, SslContext ssl) {
    boolean https = ssl != null;
    int defaultPort = https ? 443 : 80;
    int port = base.getPort() < 0 ? defaultPort : base.getPort();
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String host = base.getHost();
    String hostHeader =
        (host.contains(":") ? "[" + host + "]" : host) + (port == defaultPort ? "" : ":" + port);
    return new Upstream(base, host, port, ssl, path, hostHeader);
  }

  /** The request target upstream for {@code rest} (below the base) and a raw query (or null). */
  String target(String rest, String rawQuery) {
    return basePath + rest + (rawQuery == null ? "" : "?" + rawQuery);
  }

  /** The upstream as named in messages (its base URL, which holds no secret). */
  String describe() {
    return base.toString();
  }
}
