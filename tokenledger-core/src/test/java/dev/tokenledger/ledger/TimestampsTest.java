package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void instantsAreStoredAsFixedWidthUtcTextWithMicroseconds() {
    assertThat(Timestamps.format(Instant.parse("2025-10-27T10:00:00Z")))
        .isEqualTo("2025-10-27T10:00:00.000000Z");
    assertThat(Timestamps.format(Instant.parse("2025-10-27T10:00:00.123456789Z")))
        .isEqualTo("2025-10-27T10:00:00.123456Z");
    assertThat(Timestamps.parse("2025-10-27T10:00:00.123456Z"))
        .isEqualTo(Instant.parse("2025-10-27T10:00:00.123456Z"));
    assertThat(Timestamps.format(null)).isNull();
    assertThat(Timestamps.parse(null)).isNull();
  }

  @Test
  void textOrderIsTimeOrder() {
    String earlier = Timestamps.format(Instant.parse("2025-10-27T09:59:59.999999Z"));
    String later = Timestamps.format(Instant.parse("2025-10-27T10:00:00Z"));

    assertThat(earlier).isLessThan(later);
  }

  @Test
  void malformedStoredTextIsALedgerError() {
    assertThatThrownBy(() -> Timestamps.parse("yesterday"))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("'yesterday'");
  }
}
