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

  @Test
  void storedFormIsReadByPositionAsInstantParseReadsIt() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 10_000; i++) {
      Instant at =
          Instant.ofEpochSecond(random.nextLong(first, last), random.nextInt(1_000_000) * 1_000L);
      String stored = Timestamps.format(at);
      assertThat(Timestamps.parse(stored)).as(stored).isEqualTo(Instant.parse(stored));
    }
    assertThat(Timestamps.parse("2024-02-29T23:59:59.999999Z"))
        .isEqualTo(Instant.parse("2024-02-29T23:59:59.999999Z"));
    // what Instant.parse makes of hour 24 and second 60, so does the ledger
    for (String odd :
        java.util.List.of("2025-10-27T24:00:00.000000Z", "2025-10-27T23:59:60.000000Z")) {
      assertThat(Timestamps.parse(odd)).as(odd).isEqualTo(Instant.parse(odd));
    }
    // other forms Instant.parse accepts are still read
    assertThat(Timestamps.parse("2025-10-27T10:00:00Z"))
        .isEqualTo(Instant.parse("2025-10-27T10:00:00Z"));
  }

  @Test
  void storedFormIsWrittenByPositionAsTheFormatterWritesIt() {
    java.time.format.DateTimeFormatter formatter =
        java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 10_000; i++) {
      Instant at =
          Instant.ofEpochSecond(random.nextLong(first, last), random.nextInt(1_000_000_000));
      assertThat(Timestamps.format(at))
          .as(at.toString())
          .isEqualTo(formatter.format(at.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
    }
    for (String edge :
        java.util.List.of(
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999Z",
            "1969-12-31T23:59:59.999999Z",
            "1970-01-01T00:00:00Z",
            "2024-02-29T12:34:56.000001Z")) {
      Instant at = Instant.parse(edge);
      assertThat(Timestamps.format(at))
          .as(edge)
          .isEqualTo(formatter.format(at.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
    }
  }

  @Test
  void impossibleDatesAndTimesInTheStoredFormAreLedgerErrors() {
    for (String bad :
        java.util.List.of(
            "2025-02-30T10:00:00.000000Z",
            "2025-13-01T10:00:00.000000Z",
            "2025-10-27T10:60:00.000000Z",
            "2025-10-27T10:00:00.00000xZ")) {
      assertThatThrownBy(() -> Timestamps.parse(bad))
          .as(bad)
          .isInstanceOf(LedgerException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }
}
