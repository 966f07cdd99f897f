package dev.tokenledger.attribution;

import static dev.tokenledger.attribution.AttributorTest.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MinuteFenceTest {

  @Test
  void aKeyWithNoEarlierWindowStartsAtOnce() {
    assertThat(MinuteFence.earliestStart(null, at("10:00:41"))).isEqualTo(at("10:00:41"));
  }

  @Test
  void aFencedWindowWaitsForTheNextMinutePlusTheMargin() {
    assertThat(MinuteFence.earliestStart(at("10:00:40"), at("10:00:41"))).isEqualTo(at("10:01:02"));
    assertThat(MinuteFence.waitBefore(at("10:00:40"), at("10:00:41")))
        .isEqualTo(Duration.ofSeconds(21));
  }

  @Test
  void aWindowEndingWithinTheMarginOfAMinuteBoundaryTakesTheMinuteAfter() {
    // a request that ended at 10:00:59.5 by our clock may be filed at 10:01:01 by OpenAI's
    assertThat(MinuteFence.earliestStart(at("10:00:59.500"), at("10:00:59.500")))
        .isEqualTo(at("10:02:02"));
    assertThat(MinuteFence.earliestStart(at("10:01:00"), at("10:01:00"))).isEqualTo(at("10:02:02"));
    assertThat(MinuteFence.earliestStart(at("10:00:57.999"), at("10:00:58")))
        .isEqualTo(at("10:01:02"));
  }

  @Test
  void onceTheFenceHasPassedAWindowStartsAtOnce() {
    assertThat(MinuteFence.earliestStart(at("10:00:40"), at("10:03:00.500")))
        .isEqualTo(at("10:03:00.500"));
    assertThat(MinuteFence.waitBefore(at("10:00:40"), at("10:03:00"))).isZero();
  }
}
