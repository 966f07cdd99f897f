package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tokenledger sim --faults}: the spec, and the share of requests each kind fails. */
class FaultMixTest {
  private static final String USAGE =
      "/organization/usage/completions?start_time=1730419200&end_time=1730505600";

  @Test
  void eachKindFailsAboutItsShareOfTheMatchingRequestsAndTheRestAreServed() throws Exception {
    try (OpenAiSimulator sim =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(Instant.parse("2024-11-03T12:00:00Z")))
            .reportingDelay(ReportingDelay.none())
            .seed(5)
            .start()) {
      SimKey admin = sim.register(SimKey.admin("usage reader"));
      FaultMix.parse("429:0.2, 503:0.1,html:0.1").applyTo(sim.faults().onPath("/organization"));
      SimHttp http = new SimHttp(sim);
      Map<Integer, Integer> statuses = new HashMap<>();
      int html = 0;
      for (int i = 0; i < 400; i++) {
        SimHttp.Reply r = http.get(admin, USAGE);
        statuses.merge(r.status(), 1, Integer::sum);
        if (r.status() == 502 && r.body().contains("<html>")) {
          html++;
        }
      }
      assertThat(http.get(admin, "/models").status())
          .as("a path outside the scope is never failed")
          .isEqualTo(401);

      // binomial: 400 requests at 0.2 / 0.1 / 0.1 / 0.6, well inside four standard deviations
      assertThat(statuses.get(429)).isBetween(48, 112);
      assertThat(statuses.get(503)).isBetween(16, 64);
      assertThat(html).isEqualTo(statuses.get(502)).isBetween(16, 64);
      assertThat(statuses.get(200)).isBetween(200, 280);
    }
  }

  @Test
  void aBadSpecIsRefusedWithOneLineNamingTheFix() {
    assertThatThrownBy(() -> FaultMix.parse("429"))
        .hasMessage("'429' is not KIND:SHARE: write e.g. 429:0.1 (kinds: " + FaultMix.KINDS + ")");
    assertThatThrownBy(() -> FaultMix.parse("404:0.1"))
        .hasMessageStartingWith("unknown fault '404': use one of 429, 429-no-retry-after");
    assertThatThrownBy(() -> FaultMix.parse("500:1.5"))
        .hasMessage("the share of '500' must be a number from 0 to 1, e.g. 500:0.1");
    assertThatThrownBy(() -> FaultMix.parse("reset:x"))
        .hasMessageContaining("must be a number from 0 to 1");
    assertThatThrownBy(() -> FaultMix.parse("500:0.5,500:0.1"))
        .hasMessage("'500' is named twice: name each kind once");
    assertThatThrownBy(() -> FaultMix.parse("500:0.7,reset:0.6"))
        .hasMessageContaining("keep their sum at most 1");
    assertThatThrownBy(() -> FaultMix.parse(" ")).hasMessageContaining("no faults given");
    assertThat(FaultMix.parse("429-no-retry-after:0.1,truncated:0.1,reset:0,502:0.3").toString())
        .isEqualTo("429-no-retry-after:0.1,truncated:0.1,reset:0.0,502:0.3");
    assertThat(FaultMix.parse("reset:0").isEmpty()).isTrue();
  }
}
