package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2024-10-09T13:17:42Z");

  private static Duration retryAfter(String... nameValues) {
    Map<String, List<String>> map = new HashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      map.put(nameValues[i], List.of(nameValues[i + 1]));
    }
    return HttpTransport.retryAfter(HttpHeaders.of(map, (a, b) -> true), NOW);
  }

  @Test
  void secondsMillisecondsAndHttpDatesAreRead() {
    assertThat(retryAfter("Retry-After", "7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(retryAfter("Retry-After", "0.5")).isEqualTo(Duration.ofMillis(500));
    assertThat(retryAfter("retry-after-ms", "250")).isEqualTo(Duration.ofMillis(250));
    assertThat(retryAfter("Retry-After", "Wed, 09 Oct 2024 13:18:12 GMT"))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aDateInThePastMeansNoWait() {
    assertThat(retryAfter("Retry-After", "Wed, 09 Oct 2024 13:00:00 GMT")).isEqualTo(Duration.ZERO);
  }

  @Test
  void missingOrUnreadableValuesFallBackToBackoff() {
    assertThat(retryAfter()).isNull();
    assertThat(retryAfter("Retry-After", "soon")).isNull();
    assertThat(retryAfter("Retry-After", "-3")).isNull();
    assertThat(retryAfter("retry-after-ms", "x", "Retry-After", "2"))
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void backoffCeilingDoublesUpToTheCap() {
    RetryPolicy p = RetryPolicy.DEFAULT;
    assertThat(p.backoffCeiling(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(p.backoffCeiling(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.backoffCeiling(4)).isEqualTo(Duration.ofSeconds(4));
    assertThat(p.backoffCeiling(7)).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.backoffCeiling(500)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void policiesRejectNonsense() {
    assertThatThrownBy(() -> RetryPolicy.DEFAULT.withMaxAttempts(0))
        .hasMessage("maxAttempts cannot be less than 1, was 0");
    assertThatThrownBy(() -> RetryPolicy.DEFAULT.withMaxBackoff(Duration.ofMillis(100)))
        .hasMessage("maxBackoff (PT0.1S) cannot be less than initialBackoff (PT0.5S)");
  }
}
