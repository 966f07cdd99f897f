package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SimClockTest {
  private static final Instant START = Instant.parse("2025-10-27T10:00:00Z");

  /** A real-time stand-in the test moves by hand. */
  private static final class HandClock extends Clock {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aSteppedClockStandsStillUntilMoved() {
    SimClock c = SimClock.stepped(START);

    assertThat(c.instant()).isEqualTo(START);
    c.advance(Duration.ofMinutes(90));
    assertThat(c.instant()).isEqualTo(START.plus(Duration.ofMinutes(90)));
    c.set(START);
    assertThat(c.instant()).isEqualTo(START);
    assertThat(c.isRunning()).isFalse();
    assertThat(c.getZone()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void aRunningClockCoversSixtySecondsPerRealSecondAtSixtyTimes() {
    HandClock real = new HandClock();
    SimClock c = SimClock.running(START, 60, real);

    real.now = real.now.plusSeconds(2);
    assertThat(c.instant()).isEqualTo(START.plus(Duration.ofMinutes(2)));
    c.advance(Duration.ofHours(1));
    real.now = real.now.plusMillis(500);
    assertThat(c.instant()).isEqualTo(START.plus(Duration.ofMinutes(62)).plusSeconds(30));
    assertThat(c.realTimeFor(Duration.ofMinutes(30))).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void badSettingsAreRefusedWithTheRule() {
    assertThatThrownBy(() -> SimClock.running(START, 0))
        .hasMessageContaining("speed must be a positive number");
    assertThatThrownBy(() -> SimClock.stepped(START).advance(Duration.ofSeconds(-1)))
        .hasMessageContaining("only moves forward");
  }
}
