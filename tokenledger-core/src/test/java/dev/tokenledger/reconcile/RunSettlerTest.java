package dev.tokenledger.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.ReconcileStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunSettlerTest {
  private static final Instant END = Instant.parse("2025-10-27T10:00:00Z");

  /** The state machine at a short min-age, so that the timelines below stay readable. */
  private final RunSettler settler = new RunSettler(QuickSettling.SETTINGS);

  private static Instant plus(int minutes) {
    return END.plus(Duration.ofMinutes(minutes));
  }

  private static TokenCounts counts(long input) {
    return new TokenCounts(input, input / 2, input / 10, input / 100);
  }

  private static UsageRead ok(int minute, long input) {
    return UsageRead.success(plus(minute), counts(input));
  }

  private static UsageRead failed(int minute) {
    return UsageRead.failure(plus(minute), "429 Too Many Requests after 5 retries");
  }

  private static RunHistory history(UsageRead... reads) {
    return RunHistory.of(END, List.of(reads));
  }

  @Test
  void byDefaultReadsCountOnlyFromAnHourAfterTheEndOpenAisWorstReportingDelay() {
    RunSettler defaults = new RunSettler();
    // usage that takes 30 minutes to show up: three early identical reads agree on zero
    RunHistory history = history(ok(10, 0), ok(15, 0), ok(20, 0), ok(35, 5000));

    assertThat(defaults.settings().minAge()).isEqualTo(Duration.ofHours(1));
    assertThat(
            settler
                .assess(RunHistory.of(END, List.of(ok(10, 0), ok(15, 0), ok(20, 0))), plus(20))
                .status())
        .as("a 10-minute min-age would have settled on the zeros")
        .isEqualTo(ReconcileStatus.FINAL);
    assertThat(defaults.assess(history, plus(35)).status()).isEqualTo(ReconcileStatus.PENDING);
    RunHistory settled =
        RunHistory.of(
            END, List.of(ok(10, 0), ok(35, 5000), ok(60, 5000), ok(65, 5000), ok(70, 5000)));
    assertThat(defaults.assess(settled, plus(70)).status()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(defaults.assess(settled, plus(70)).figures()).isEqualTo(counts(5000));
  }

  @Test
  void aRunWithNoSuccessfulReadIsPending() {
    Assessment a = settler.assess(history(), plus(30));

    assertThat(a.status()).isEqualTo(ReconcileStatus.PENDING);
    assertThat(a.figures()).isNull();
  }

  @Test
  void aRunYoungerThanMinAgeIsPendingWhateverItsReadsSay() {
    RunHistory h = history(ok(1, 100), ok(6, 100));

    assertThat(settler.assess(h, plus(9)).status()).isEqualTo(ReconcileStatus.PENDING);
  }

  @Test
  void anOpenRunIsPending() {
    RunHistory open = RunHistory.of(null, List.of(ok(1, 100), ok(6, 100), ok(11, 100)));

    assertThat(settler.assess(open, plus(60)).status()).isEqualTo(ReconcileStatus.PENDING);
  }

  @Test
  void aRunSettlesUntilStableReadsIdenticalReadsAnIntervalApartThenBecomesFinal() {
    RunHistory h = history(ok(10, 100), ok(15, 100));
    assertThat(settler.assess(h, plus(15)).status()).isEqualTo(ReconcileStatus.SETTLING);
    assertThat(settler.assess(h, plus(15)).identicalReads()).isEqualTo(2);

    Assessment a = settler.assess(h.withRead(ok(20, 100)), plus(20));

    assertThat(a.status()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(a.figures()).isEqualTo(counts(100));
    assertThat(a.change()).isEqualTo(CountsDelta.ZERO);
  }

  @Test
  void identicalReadsCloserThanTheIntervalDoNotCount() {
    RunHistory h = history(ok(10, 100), ok(11, 100), ok(12, 100), ok(14, 100));

    assertThat(settler.assess(h, plus(30)).status()).isEqualTo(ReconcileStatus.SETTLING);
    assertThat(settler.assess(h, plus(30)).identicalReads()).isEqualTo(1);
    assertThat(settler.assess(h.withRead(ok(15, 100)).withRead(ok(20, 100)), plus(30)).status())
        .isEqualTo(ReconcileStatus.FINAL);
  }

  @Test
  void readsTakenBeforeMinAgeDoNotCountTowardStability() {
    RunSettler fast =
        new RunSettler(new ReconcileSettings(Duration.ofMinutes(10), 3, Duration.ofMinutes(2)));
    // Three agreeing reads while the usage may still be on its way: they prove nothing.
    RunHistory h = history(ok(1, 100), ok(3, 100), ok(5, 100));

    assertThat(fast.assess(h, plus(6)).status()).isEqualTo(ReconcileStatus.PENDING);
    assertThat(fast.assess(h, plus(10)).status()).isEqualTo(ReconcileStatus.SETTLING);
    assertThat(fast.assess(h, plus(10)).identicalReads()).isZero();

    RunHistory later = h.withRead(ok(10, 100)).withRead(ok(12, 100)).withRead(ok(14, 100));
    assertThat(fast.assess(later, plus(14)).status()).isEqualTo(ReconcileStatus.FINAL);
  }

  @Test
  void aZeroReadBeforeTheUsageArrivedCannotMakeARunFinal() {
    RunSettler fast =
        new RunSettler(new ReconcileSettings(Duration.ofMinutes(10), 3, Duration.ofMinutes(2)));
    RunHistory early =
        history(
            UsageRead.success(plus(2), TokenCounts.ZERO),
            UsageRead.success(plus(4), TokenCounts.ZERO),
            UsageRead.success(plus(6), TokenCounts.ZERO),
            UsageRead.success(plus(10), TokenCounts.ZERO),
            UsageRead.success(plus(12), TokenCounts.ZERO));

    assertThat(fast.assess(early, plus(12)).status()).isEqualTo(ReconcileStatus.SETTLING);
    assertThat(fast.assess(early.withRead(ok(14, 100)), plus(14)).status())
        .isEqualTo(ReconcileStatus.SETTLING);
  }

  @Test
  void aRunThatUsedNothingBecomesFinalWithZerosAfterTheStableReads() {
    RunHistory h =
        history(
            UsageRead.success(plus(10), TokenCounts.ZERO),
            UsageRead.success(plus(15), TokenCounts.ZERO));
    assertThat(settler.assess(h, plus(15)).status()).isEqualTo(ReconcileStatus.SETTLING);

    Assessment a =
        settler.assess(h.withRead(UsageRead.success(plus(20), TokenCounts.ZERO)), plus(20));

    assertThat(a.status()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(a.figures()).isEqualTo(TokenCounts.ZERO);
  }

  @Test
  void aLateRevisionMovesASettlingRunBackAndIsPickedUp() {
    RunHistory h = history(ok(10, 100), ok(15, 100), ok(20, 120));

    Assessment a = settler.assess(h, plus(20));

    assertThat(a.status()).isEqualTo(ReconcileStatus.SETTLING);
    assertThat(a.identicalReads()).isEqualTo(1);
    assertThat(a.figures()).isEqualTo(counts(120));
    assertThat(a.change()).isEqualTo(CountsDelta.between(counts(100), counts(120)));
    assertThat(settler.assess(h.withRead(ok(25, 120)).withRead(ok(30, 120)), plus(30)).status())
        .isEqualTo(ReconcileStatus.FINAL);
  }

  @Test
  void aReadOfAFinalRunThatChangedIsAWarningUntilAPersonAcceptsTheChange() {
    RunHistory fin = history(ok(10, 100), ok(15, 100), ok(20, 100));
    assertThat(settler.assess(fin, plus(60)).status()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(settler.assess(fin.withRead(ok(80, 100)), plus(80)).status())
        .as("the read once more found nothing new")
        .isEqualTo(ReconcileStatus.FINAL);

    RunHistory changed = fin.withRead(ok(80, 130));
    Assessment a = settler.assess(changed, plus(80));

    assertThat(a.status()).isEqualTo(ReconcileStatus.WARNING);
    assertThat(a.warning().kind()).isEqualTo(ReconcileWarning.Kind.CHANGED_AFTER_FINAL);
    assertThat(a.warning().readAt()).isEqualTo(plus(80));
    assertThat(a.warning().delta()).isEqualTo(CountsDelta.between(counts(100), counts(130)));
    assertThat(a.figures()).isEqualTo(counts(130));
    RunHistory stillChanged = changed.withRead(ok(85, 130)).withRead(ok(90, 130));
    assertThat(settler.assess(stillChanged, plus(90)).status())
        .as("identical reads after the change do not clear it: a person must see it")
        .isEqualTo(ReconcileStatus.WARNING);
    assertThat(settler.needsRead(changed, plus(85), false)).isTrue();

    RunHistory accepted = stillChanged.acceptedAt(plus(91));
    assertThat(settler.assess(accepted, plus(91)).status()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(settler.assess(accepted, plus(91)).figures()).isEqualTo(counts(130));
    assertThat(settler.assess(accepted.withRead(ok(95, 130)), plus(95)).status())
        .isEqualTo(ReconcileStatus.FINAL);
  }

  @Test
  void aZeroFinalBecauseMinAgeWasShorterThanTheDelayIsFlaggedByTheReadOnceMore() {
    // usage that takes 30 minutes to show up; min-age 10 minutes settles on the zeros
    RunHistory zero = history(ok(10, 0), ok(15, 0), ok(20, 0));
    assertThat(settler.assess(zero, plus(20)).status()).isEqualTo(ReconcileStatus.FINAL);
    Instant recheck = RunSettler.recheckAt(END, plus(20), Duration.ZERO);
    assertThat(recheck).as("an hour after it became final").isEqualTo(plus(80));

    Assessment a = settler.assess(zero.withRead(UsageRead.success(recheck, counts(5000))), recheck);

    assertThat(a.status()).isEqualTo(ReconcileStatus.WARNING);
    assertThat(a.warning().kind()).isEqualTo(ReconcileWarning.Kind.CHANGED_AFTER_FINAL);
    assertThat(a.warning().delta().input()).isEqualTo(5000);
  }

  @Test
  void theReadOnceMoreComesAtTwiceTheLargestDelaySeenOrAnHourAfterFinalWhicheverIsLater() {
    assertThat(RunSettler.recheckAt(END, plus(20), Duration.ofMinutes(25))).isEqualTo(plus(80));
    assertThat(RunSettler.recheckAt(END, plus(20), Duration.ofMinutes(50))).isEqualTo(plus(100));
    assertThat(RunSettler.recheckAt(END, plus(20), Duration.ofMinutes(40))).isEqualTo(plus(80));
  }

  @Test
  void theDelaySeenIsHowLongAfterTheEndTheLastChangingReadCame() {
    assertThat(RunSettler.delaySeen(END, List.of(ok(5, 0), ok(10, 0), ok(35, 700), ok(40, 700))))
        .hasValue(Duration.ofMinutes(35));
    assertThat(RunSettler.delaySeen(END, List.of(ok(5, 10), ok(10, 20), failed(15), ok(50, 25))))
        .hasValue(Duration.ofMinutes(50));
    assertThat(RunSettler.delaySeen(END, List.of(ok(90, 700), ok(95, 700))))
        .as("usage already there at the first read shows no delay")
        .isEmpty();
    assertThat(
            RunSettler.delaySeen(
                END, List.of(UsageRead.success(END.minusSeconds(60), counts(5)), ok(5, 700))))
        .as("a read while the run was open shows no delay: the usage may simply have come later")
        .isEmpty();
    assertThat(RunSettler.delaySeen(null, List.of(ok(5, 1), ok(10, 2)))).isEmpty();
  }

  @Test
  void aReadThatGoesDownGivesAWarningWithTheDropAndIsNeverFinalOnItsOwn() {
    RunHistory h = history(ok(10, 100), ok(15, 100), ok(20, 90));

    Assessment a = settler.assess(h, plus(20));

    assertThat(a.status()).isEqualTo(ReconcileStatus.WARNING);
    assertThat(a.warning().kind()).isEqualTo(ReconcileWarning.Kind.DECREASE);
    assertThat(a.warning().readAt()).isEqualTo(plus(20));
    assertThat(a.warning().delta()).isEqualTo(CountsDelta.between(counts(100), counts(90)));
    assertThat(a.warning().delta().hasDecrease()).isTrue();
    RunHistory stableAfterDrop = h.withRead(ok(25, 90)).withRead(ok(30, 90)).withRead(ok(35, 90));
    assertThat(settler.assess(stableAfterDrop, plus(35)).status())
        .isEqualTo(ReconcileStatus.WARNING);
  }

  @Test
  void anAcceptedDecreaseBecomesFinalWithTheAcceptedFigures() {
    RunHistory h = history(ok(10, 100), ok(15, 100), ok(20, 90)).acceptedAt(plus(22));

    Assessment a = settler.assess(h, plus(22));

    assertThat(a.status()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(a.figures()).isEqualTo(counts(90));
  }

  @Test
  void anAcceptanceCoversOnlyWhatTheReadsShowedWhenItWasGiven() {
    RunHistory accepted = history(ok(10, 100), ok(15, 100), ok(20, 90)).acceptedAt(plus(22));

    assertThat(settler.assess(accepted.withRead(ok(25, 80)), plus(25)).status())
        .isEqualTo(ReconcileStatus.WARNING);
    assertThat(settler.assess(accepted.withRead(ok(25, 95)), plus(25)).status())
        .isEqualTo(ReconcileStatus.SETTLING);
  }

  @Test
  void readsThatRiseBackClearTheWarning() {
    RunHistory h = history(ok(10, 100), ok(15, 90), ok(20, 100));

    assertThat(settler.assess(h, plus(20)).status()).isEqualTo(ReconcileStatus.SETTLING);
    assertThat(settler.assess(h, plus(20)).warning()).isNull();
    assertThat(settler.assess(h.withRead(ok(25, 100)).withRead(ok(30, 100)), plus(30)).status())
        .isEqualTo(ReconcileStatus.FINAL);
  }

  @Test
  void aFailedReadIsAnErrorThatKeepsThePreviousFiguresAndStatus() {
    RunHistory settling = history(ok(10, 100), ok(15, 100), failed(20));

    Assessment a = settler.assess(settling, plus(20));

    assertThat(a.status()).isEqualTo(ReconcileStatus.ERROR);
    assertThat(a.settledStatus()).isEqualTo(ReconcileStatus.SETTLING);
    assertThat(a.figures()).isEqualTo(counts(100));
    assertThat(a.figuresReadAt()).isEqualTo(plus(15));
    assertThat(a.lastError()).isEqualTo("429 Too Many Requests after 5 retries");

    RunHistory fin = history(ok(10, 100), ok(15, 100), ok(20, 100), failed(40));
    assertThat(settler.assess(fin, plus(40)).settledStatus()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(settler.assess(fin, plus(40)).figures()).isEqualTo(counts(100));
  }

  @Test
  void aFailureBeforeAnySuccessIsAnErrorOverPending() {
    Assessment a = settler.assess(history(failed(10)), plus(10));

    assertThat(a.status()).isEqualTo(ReconcileStatus.ERROR);
    assertThat(a.settledStatus()).isEqualTo(ReconcileStatus.PENDING);
    assertThat(a.figures()).isNull();
  }

  @Test
  void theNextSuccessfulReadFinishesTheJobAfterAnError() {
    RunHistory h = history(ok(10, 100), ok(15, 100), failed(20), ok(21, 100), failed(22));

    assertThat(settler.assess(h.withRead(ok(25, 100)), plus(25)).status())
        .isEqualTo(ReconcileStatus.FINAL);
  }

  @Test
  void localCountsThatDisagreeWithTheApiAfterSettlingGiveAWarning() {
    List<UsageRead> reads = List.of(ok(10, 100), ok(15, 100), ok(20, 100));
    RunHistory agreeing = new RunHistory(END, reads, counts(100), null);
    RunHistory disagreeing = new RunHistory(END, reads, counts(104), null);

    assertThat(settler.assess(agreeing, plus(20)).status()).isEqualTo(ReconcileStatus.FINAL);
    Assessment a = settler.assess(disagreeing, plus(20));
    assertThat(a.status()).isEqualTo(ReconcileStatus.WARNING);
    assertThat(a.warning().kind()).isEqualTo(ReconcileWarning.Kind.LOCAL_MISMATCH);
    assertThat(a.warning().delta()).isEqualTo(CountsDelta.between(counts(104), counts(100)));
    assertThat(settler.assess(disagreeing.acceptedAt(plus(21)), plus(21)).status())
        .isEqualTo(ReconcileStatus.FINAL);
  }

  @Test
  void localCountsAreNotComparedWhileTheRunIsStillSettling() {
    RunHistory h = new RunHistory(END, List.of(ok(10, 50), ok(15, 80)), counts(100), null);

    assertThat(settler.assess(h, plus(15)).status()).isEqualTo(ReconcileStatus.SETTLING);
  }

  @Test
  void theChangeSinceTheLastReadIsTheWholeFigureOnTheFirstRead() {
    assertThat(settler.assess(history(ok(10, 70)), plus(10)).change())
        .isEqualTo(CountsDelta.between(TokenCounts.ZERO, counts(70)));
  }

  @Test
  void aRunIsReadAgainOnlyWhenNotFinalAndTheIntervalHasPassedUnlessForced() {
    RunHistory settling = history(ok(10, 100), ok(15, 100));
    RunHistory fin = settling.withRead(ok(20, 100));

    assertThat(settler.needsRead(history(), plus(0), false)).isTrue();
    assertThat(settler.needsRead(settling, plus(17), false)).isFalse();
    assertThat(settler.needsRead(settling, plus(20), false)).isTrue();
    assertThat(settler.needsRead(fin, plus(90), false)).isFalse();
    assertThat(settler.needsRead(fin, plus(90), true)).isTrue();
    assertThat(settler.needsRead(settling.withRead(failed(19)), plus(20), false)).isTrue();
    assertThat(settler.needsRead(settling.withRead(failed(19)), plus(19), false))
        .as("a run in error is read by the next pass, interval or not")
        .isTrue();
    assertThat(settler.needsRead(fin.withRead(failed(91)), plus(92), false))
        .as("a final run left in error by a failed forced read is read again")
        .isTrue();
    assertThat(settler.needsRead(fin.withRead(failed(91)).withRead(ok(92, 100)), plus(95), false))
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void everyAssessmentOfARandomHistoryKeepsTheRules(long seed) {
    Random random = new Random(seed);
    RunSettler s =
        new RunSettler(
            new ReconcileSettings(
                Duration.ofMinutes(random.nextInt(15)),
                1 + random.nextInt(4),
                Duration.ofMinutes(random.nextInt(8))));
    List<UsageRead> reads = new ArrayList<>();
    long input = 0;
    int minute = random.nextInt(5);
    for (int i = 0; i < 40; i++) {
      minute += random.nextInt(7);
      int roll = random.nextInt(10);
      if (roll == 0) {
        reads.add(failed(minute));
      } else {
        input = roll == 1 ? Math.max(0, input - 10) : roll < 4 ? input + 10 : input;
        reads.add(ok(minute, input));
      }
      RunHistory h = RunHistory.of(END, reads);
      Assessment a = s.assess(h, plus(minute));
      UsageRead last = reads.get(reads.size() - 1);

      assertThat(a.status() == ReconcileStatus.ERROR).isEqualTo(!last.succeeded());
      if (a.settledStatus() == ReconcileStatus.FINAL) {
        assertThat(a.identicalReads()).isGreaterThanOrEqualTo(s.settings().stableReads());
        assertThat(plus(minute)).isAfterOrEqualTo(END.plus(s.settings().minAge()));
      }
      if (a.settledStatus() == ReconcileStatus.WARNING
          && a.warning().kind() == ReconcileWarning.Kind.DECREASE) {
        assertThat(a.warning().delta().hasDecrease()).isTrue();
      }
      if (a.settledStatus() == ReconcileStatus.WARNING
          && a.warning().kind() == ReconcileWarning.Kind.CHANGED_AFTER_FINAL) {
        assertThat(a.warning().delta()).isNotEqualTo(CountsDelta.ZERO);
        assertThat(s.assess(RunHistory.of(END, reads), plus(minute)).warning()).isNotNull();
      }
      UsageRead lastOk =
          reads.stream().filter(UsageRead::succeeded).reduce((x, y) -> y).orElse(null);
      assertThat(a.figures()).isEqualTo(lastOk == null ? null : lastOk.counts());
      assertThat(s.needsRead(h, plus(minute), false))
          .isEqualTo(
              !last.succeeded()
                  || (a.settledStatus() != ReconcileStatus.FINAL
                      && (lastOk == null
                          || !plus(minute).isBefore(lastOk.at().plus(s.settings().interval())))));
    }
  }

  @Test
  void badSettingsAndHistoriesAreRefused() {
    assertThatThrownBy(() -> new ReconcileSettings(Duration.ofMinutes(10), 0, Duration.ZERO))
        .hasMessageContaining("stable-reads cannot be less than 1");
    assertThatThrownBy(
            () -> new ReconcileSettings(Duration.ofMinutes(-1), 3, Duration.ofMinutes(5)))
        .hasMessageContaining("min-age cannot be negative");
    assertThatThrownBy(() -> history(ok(15, 1), ok(10, 1)))
        .hasMessageContaining("reads must be oldest first");
    assertThatThrownBy(() -> new UsageRead(plus(1), null, null))
        .hasMessageContaining("either counts or an error");
    assertThat(ReconcileStatus.fromLabel("settling")).isEqualTo(ReconcileStatus.SETTLING);
    assertThatThrownBy(() -> ReconcileStatus.fromLabel("done"))
        .hasMessageContaining("unknown reconcile status 'done'");
  }

  @Test
  void earliestFinalCountsTheIdenticalReadsSoFarAndAddsTheOnesStillNeeded() {
    // min-age 10 min, 3 identical reads 5 minutes apart
    assertThat(settler.earliestFinal(history(), plus(2))).contains(plus(20));
    // early reads do not count: still min-age + 2 intervals
    assertThat(settler.earliestFinal(history(ok(4, 100)), plus(5))).contains(plus(20));
    // one counted read at 12: two more, at 17 and 22
    assertThat(settler.earliestFinal(history(ok(12, 100)), plus(13))).contains(plus(22));
    // two counted reads: one more, an interval after the last
    assertThat(settler.earliestFinal(history(ok(12, 100), ok(17, 100)), plus(18)))
        .contains(plus(22));
    // a changed read starts the count again
    assertThat(settler.earliestFinal(history(ok(12, 100), ok(17, 150)), plus(18)))
        .contains(plus(27));
    // a late reconciler: the next read is now at the soonest
    assertThat(settler.earliestFinal(history(ok(12, 100), ok(17, 100)), plus(40)))
        .contains(plus(40));
    // final runs and open runs have none
    assertThat(settler.earliestFinal(history(ok(12, 100), ok(17, 100), ok(22, 100)), plus(23)))
        .isEmpty();
    assertThat(settler.earliestFinal(RunHistory.of(null, List.of()), plus(23))).isEmpty();
  }

  @Test
  void theForecastIsPhrasedAsAPersonReadsIt() {
    Instant now = Instant.parse("2025-10-27T11:04:00Z");
    assertThat(SettleForecast.phrase(Instant.parse("2025-10-27T11:42:00Z"), now))
        .isEqualTo("final at the earliest 11:42 UTC, in 38 minutes");
    assertThat(SettleForecast.phrase(Instant.parse("2025-10-28T13:10:00Z"), now))
        .isEqualTo("final at the earliest 2025-10-28 13:10 UTC, in 26 h 6 min");
    assertThat(SettleForecast.phrase(now.plusSeconds(20), now))
        .isEqualTo("final at the earliest 11:04 UTC, in less than a minute");
    assertThat(SettleForecast.phrase(now, now)).contains("at the next read");
  }
}
