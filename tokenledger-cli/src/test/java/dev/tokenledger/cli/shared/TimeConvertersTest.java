package dev.tokenledger.cli.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class TimeConvertersTest {
  @ParameterizedTest
  @CsvSource({"30s,30", "90,90", "10m,600", "2h,7200", "1d,86400", "0,0", "5M,300"})
  void durationsAcceptTheDocumentedUnits(String text, long seconds) {
    assertThat(TimeConverters.parseDuration(text)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1w", "-5m", "1.5h", "h"})
  void badDurationsSayWhatToWrite(String text) {
    assertThatThrownBy(() -> TimeConverters.parseDuration(text))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("30s, 10m, 2h or 1d");
  }

  @ParameterizedTest
  @CsvSource({
    "2025-10-27T10:00:00Z,1761559200",
    "1761559200,1761559200",
    "2025-10-27T12:00:00+02:00,1761559200",
    "2025-10-27T10:00:00.5Z,1761559200"
  })
  void instantsAcceptIsoAndEpochSeconds(String text, long epoch) {
    assertThat(TimeConverters.parseInstant(text).getEpochSecond()).isEqualTo(epoch);
  }

  @Test
  void badInstantsSayWhatToWrite() {
    assertThatThrownBy(() -> TimeConverters.parseInstant("yesterday"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("ISO-8601");
  }

  @Test
  void epochInstantIsExact() {
    assertThat(TimeConverters.parseInstant("0")).isEqualTo(Instant.EPOCH);
  }
}
