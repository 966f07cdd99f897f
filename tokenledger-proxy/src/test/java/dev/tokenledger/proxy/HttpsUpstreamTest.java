package dev.tokenledger.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTPS upstream, trusted the way any JDK client trusts a server: through the default trust
 * store (here pointed at a test CA with {@code javax.net.ssl.trustStore}, as a corporate CA would
 * be), with the host name verified.
 */
class HttpsUpstreamTest {
  private static final String PASS = "changeit";

  @TempDir Path dir;

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void anHttpsUpstreamIsReachedWithTheDefaultTrustStoreAndItsHostVerified() throws Exception {
    Path server = dir.resolve("server.p12");
    Path cert = dir.resolve("server.crt");
    Path trust = dir.resolve("trust.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "upstream",
        "-keyalg",
        "EC",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        server.toString(),
        "-storepass",
        PASS,
        "-keypass",
        PASS);
    keytool(
        "-exportcert",
        "-alias",
        "upstream",
        "-keystore",
        server.toString(),
        "-storepass",
        PASS,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        trust.toString(),
        "-storepass",
        PASS);

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(server.toFile())) {
      ks.load(in, PASS.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASS.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);

    String oldStore = System.getProperty("javax.net.ssl.trustStore");
    String oldPass = System.getProperty("javax.net.ssl.trustStorePassword");
    System.setProperty("javax.net.ssl.trustStore", trust.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", PASS);
    RecordingSink sink = new RecordingSink();
    try (MockWebServer upstream = new MockWebServer()) {
      upstream.useHttps(tls.getSocketFactory());
      upstream.start(InetAddress.getLoopbackAddress(), 0);
      upstream.enqueue(
          new MockResponse.Builder()
              .addHeader("Content-Type", "application/json")
              .body(
                  "{\"model\":\"gpt-4o-mini\",\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3}}")
              .build());
      upstream.enqueue(new MockResponse.Builder().body("unused").build());
      HttpClient http = HttpClient.newHttpClient();
      String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}";

      try (MeteringProxy proxy =
          MeteringProxy.builder(URI.create("https://localhost:" + upstream.getPort() + "/v1"))
              .sink(sink)
              .start()) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(proxy.baseUrl("tls", 1) + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(upstream.takeRequest().getHeaders().get("Host"))
            .isEqualTo("localhost:" + upstream.getPort());
      }
      MeteredRequest rec = sink.next();
      assertThat(rec.usage()).isEqualTo(MeteredUsage.of(2, 0, 3));

      // the certificate names localhost and 127.0.0.1, not 127.0.0.2: refused, answered 502
      try (MeteringProxy wrongHost =
          MeteringProxy.builder(URI.create("https://127.0.0.2:" + upstream.getPort() + "/v1"))
              .sink(sink)
              .start()) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(wrongHost.baseUrl() + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(502);
      }
    } finally {
      restore("javax.net.ssl.trustStore", oldStore);
      restore("javax.net.ssl.trustStorePassword", oldPass);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
