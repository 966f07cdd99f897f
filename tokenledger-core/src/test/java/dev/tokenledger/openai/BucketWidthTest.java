package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BucketWidthTest {
  private static final Instant T = Instant.parse("2024-10-09T12:17:42.250Z");

  @Test
  void limitsAreTheApiDefaultsAndMaximums() {
    assertThat(BucketWidth.MINUTE.defaultLimit()).isEqualTo(60);
    assertThat(BucketWidth.MINUTE.maxLimit()).isEqualTo(1440);
    assertThat(BucketWidth.HOUR.defaultLimit()).isEqualTo(24);
    assertThat(BucketWidth.HOUR.maxLimit()).isEqualTo(168);
    assertThat(BucketWidth.DAY.defaultLimit()).isEqualTo(7);
    assertThat(BucketWidth.DAY.maxLimit()).isEqualTo(31);
    assertThat(BucketWidth.HOUR.duration()).isEqualTo(Duration.ofHours(1));
    assertThat(BucketWidth.DAY.wire()).isEqualTo("1d");
  }

  @Test
  void floorAndCeilGoToUtcBoundaries() {
    assertThat(BucketWidth.MINUTE.floor(T)).isEqualTo(Instant.parse("2024-10-09T12:17:00Z"));
    assertThat(BucketWidth.MINUTE.ceil(T)).isEqualTo(Instant.parse("2024-10-09T12:18:00Z"));
    assertThat(BucketWidth.HOUR.floor(T)).isEqualTo(Instant.parse("2024-10-09T12:00:00Z"));
    assertThat(BucketWidth.HOUR.ceil(T)).isEqualTo(Instant.parse("2024-10-09T13:00:00Z"));
    assertThat(BucketWidth.DAY.floor(T)).isEqualTo(Instant.parse("2024-10-09T00:00:00Z"));
    assertThat(BucketWidth.DAY.ceil(T)).isEqualTo(Instant.parse("2024-10-10T00:00:00Z"));
  }

  @Test
  void boundariesStayWhereTheyAre() {
    Instant boundary = Instant.parse("2024-10-09T00:00:00Z");
    for (BucketWidth w : BucketWidth.values()) {
      assertThat(w.floor(boundary)).isEqualTo(boundary);
      assertThat(w.ceil(boundary)).isEqualTo(boundary);
      assertThat(w.isAligned(boundary)).isTrue();
    }
    Instant justAfter = boundary.plusNanos(1);
    assertThat(BucketWidth.MINUTE.ceil(justAfter)).isEqualTo(boundary.plusSeconds(60));
  }

  @Test
  void instantsBeforeTheEpochFloorDownwards() {
    assertThat(BucketWidth.MINUTE.floor(Instant.ofEpochSecond(-1)))
        .isEqualTo(Instant.ofEpochSecond(-60));
  }

  @Test
  void bucketsBetweenCountsWholeAlignedBuckets() {
    assertThat(
            BucketWidth.MINUTE.bucketsBetween(
                Instant.parse("2024-10-09T12:17:30Z"), Instant.parse("2024-10-09T12:19:10Z")))
        .isEqualTo(3);
  }

  @Test
  void wireNamesRoundTrip() {
    for (BucketWidth w : BucketWidth.values()) {
      assertThat(BucketWidth.fromWire(w.wire())).isEqualTo(w);
    }
    assertThatThrownBy(() -> BucketWidth.fromWire("5m"))
        .hasMessage("bucket_width '5m' is not valid; use 1m, 1h or 1d");
  }
}
