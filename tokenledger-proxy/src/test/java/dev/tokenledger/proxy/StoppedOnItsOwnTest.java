package dev.tokenledger.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A proxy that stops listening without being closed says so, once; a closed one does not. */
class StoppedOnItsOwnTest {
  private static final URI UPSTREAM = URI.create("http://127.0.0.1:9/v1");

  @Test
  void aListenerThatGoesAwayCompletesTheStopWithItsReasonAndReportsAFailure() throws Exception {
    List<ProxyFailure> failures = new CopyOnWriteArrayList<>();
    try (MeteringProxy proxy = MeteringProxy.builder(UPSTREAM).onFailure(failures::add).start()) {
      assertThat(proxy.stoppedOnItsOwn().toCompletableFuture()).isNotDone();

      proxy.dropListener();

      String reason = proxy.stoppedOnItsOwn().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(reason).isNotBlank();
      assertThat(failures)
          .singleElement()
          .satisfies(f -> assertThat(f.message()).contains("stopped listening unexpectedly"));
    }
  }

  @Test
  void closingTheProxyIsNotAStopOnItsOwn() {
    List<ProxyFailure> failures = new CopyOnWriteArrayList<>();
    MeteringProxy proxy = MeteringProxy.builder(UPSTREAM).onFailure(failures::add).start();

    proxy.close();

    assertThat(proxy.stoppedOnItsOwn().toCompletableFuture()).isNotDone();
    assertThat(failures).isEmpty();
  }
}
