package dev.tokenledger.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributorTest {
  private final Attributor attributor = new Attributor();

  static Instant at(String time) {
    return Instant.parse("2025-10-27T" + time + "Z");
  }

  static UsageRow row(String minute, String key, String model, long input, long output) {
    return new UsageRow(
        at(minute), key, model, "default", false, "proj_1", new TokenCounts(input, 0, output, 1));
  }

  static RunWindow run(String id, String key, String start, String end, StepWindow... steps) {
    return new RunWindow(id, key, at(start), end == null ? null : at(end), List.of(steps));
  }

  static StepWindow step(String id, String start, String end) {
    return new StepWindow(idx(id), at(start), at(end));
  }

  private static TokenCounts sum(List<UsageRow> rows) {
    return rows.stream().map(UsageRow::counts).reduce(TokenCounts.ZERO, TokenCounts::plus);
  }

  @Test
  void twoKeysUsedInTheSameMinutesEachRunGetsExactlyItsOwnKeysTokens() {
    List<UsageRow> rowsA = new ArrayList<>();
    List<UsageRow> rowsB = new ArrayList<>();
    for (int m = 0; m < 5; m++) {
      String minute = "10:0" + m + ":00";
      rowsA.add(row(minute, "key_chatdev", "gpt-4o-mini", 1000 + m, 100 + m));
      rowsB.add(row(minute, "key_baes", "gpt-4.1", 2000 + m, 200 + m));
    }
    List<UsageRow> all = new ArrayList<>(rowsA);
    all.addAll(rowsB);

    AttributionResult result =
        attributor.attribute(
            all,
            List.of(
                run("chatdev", "key_chatdev", "10:00:05", "10:04:50"),
                run("baes", "key_baes", "10:00:10", "10:04:30")));

    RunAttribution chatdev = result.run("chatdev").orElseThrow();
    RunAttribution baes = result.run("baes").orElseThrow();
    assertThat(chatdev.rows()).containsExactlyElementsOf(rowsA);
    assertThat(baes.rows()).containsExactlyElementsOf(rowsB);
    assertThat(chatdev.exactness()).isEqualTo(Exactness.EXACT);
    assertThat(baes.exactness()).isEqualTo(Exactness.EXACT);
    assertThat(chatdev.total().plus(baes.total())).isEqualTo(sum(all));
    assertThat(result.unattributed()).isEmpty();
  }

  @Test
  void sixShortStepsInThreeMinutesAreApportionedWithBoundsAndAddUpToTheRunTotal() {
    RunWindow run =
        run(
            "r1",
            "key_a",
            "10:00:00",
            "10:03:00",
            step("s1", "10:00:00", "10:00:30"),
            step("s2", "10:00:30", "10:01:00"),
            step("s3", "10:01:00", "10:01:20"),
            step("s4", "10:01:20", "10:02:00"),
            step("s5", "10:02:00", "10:02:45"),
            step("s6", "10:02:45", "10:03:00"));
    List<UsageRow> rows =
        List.of(
            row("10:00:00", "key_a", "gpt-4o-mini", 1000, 100),
            row("10:01:00", "key_a", "gpt-4o-mini", 3000, 300),
            row("10:02:00", "key_a", "gpt-4o-mini", 4000, 400));

    RunAttribution r = attributor.attribute(rows, List.of(run)).run("r1").orElseThrow();

    assertThat(r.exactness()).isEqualTo(Exactness.EXACT);
    assertThat(r.total()).isEqualTo(new TokenCounts(8000, 0, 800, 3));
    assertThat(r.steps())
        .allSatisfy(s -> assertThat(s.exactness()).isEqualTo(Exactness.APPORTIONED));
    // by seconds of overlap: 30/30, 20/40, 45/15
    assertThat(inputs(r)).containsExactly(500L, 500L, 1000L, 2000L, 3000L, 1000L);
    assertThat(r.steps().stream().map(StepAttribution::total).reduce(TokenCounts::plus))
        .contains(r.total());
    StepAttribution s3 = r.step(idx("s3")).orElseThrow();
    assertThat(s3.lowerBound()).isEqualTo(TokenCounts.ZERO);
    assertThat(s3.upperBound()).isEqualTo(new TokenCounts(3000, 0, 300, 1));
    assertThat(s3.sharedMinutes())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.minute()).isEqualTo(at("10:01:00"));
              assertThat(m.otherSteps()).containsExactly(idx("s4"));
              assertThat(m.otherRunIds()).isEmpty();
              assertThat(m.share()).isEqualTo(s3.total());
            });
  }

  private static List<Long> inputs(RunAttribution r) {
    return r.steps().stream().map(s -> s.total().input()).toList();
  }

  @Test
  void fencedStepsOwnTheirMinutesSoEveryStepFigureIsExact() {
    // the same six short steps, each started behind the minute fence
    List<StepWindow> steps = new ArrayList<>();
    List<UsageRow> rows = new ArrayList<>();
    Instant lastEnd = null;
    Instant cursor = at("10:00:00");
    long[] durations = {30, 30, 20, 40, 45, 15};
    for (int i = 0; i < durations.length; i++) {
      Instant start = MinuteFence.earliestStart(lastEnd, cursor);
      Instant end = start.plusSeconds(durations[i]);
      steps.add(new StepWindow(StepIndex.of(i + 1), start, end));
      // the step's requests finish in its first minute, and the last one in its last second
      rows.add(
          new UsageRow(
              start.truncatedTo(ChronoUnit.MINUTES),
              "key_a",
              "gpt-4o-mini",
              null,
              null,
              null,
              new TokenCounts(1000L * (i + 1), 10L * i, 100L * (i + 1), 2)));
      lastEnd = end;
      cursor = end;
    }
    rows.add(
        new UsageRow(
            lastEnd.minusMillis(1).truncatedTo(ChronoUnit.MINUTES),
            "key_a",
            "o4-mini",
            null,
            null,
            null,
            new TokenCounts(7, 0, 7, 1)));
    RunWindow run = new RunWindow("r1", "key_a", steps.get(0).start(), lastEnd, steps, false);

    RunAttribution r = attributor.attribute(rows, List.of(run)).run("r1").orElseThrow();

    for (int i = 0; i < durations.length; i++) {
      StepAttribution s = r.steps().get(i);
      TokenCounts served = new TokenCounts(1000L * (i + 1), 10L * i, 100L * (i + 1), 2);
      if (i == durations.length - 1) {
        served = served.plus(new TokenCounts(7, 0, 7, 1));
      }
      assertThat(s.exactness()).as(s.step().toString()).isEqualTo(Exactness.EXACT);
      assertThat(s.total()).as(s.step().toString()).isEqualTo(served);
      assertThat(s.lowerBound()).isEqualTo(served);
      assertThat(s.upperBound()).isEqualTo(served);
    }
  }

  @Test
  void backToBackRunsOfOneKeySplitTheirSharedMinuteFlagBothAndCountItOnce() {
    UsageRow shared = row("10:02:00", "key_a", "gpt-4o-mini", 600, 60);
    List<UsageRow> rows =
        List.of(
            row("10:01:00", "key_a", "gpt-4o-mini", 1000, 100),
            shared,
            row("10:03:00", "key_a", "gpt-4o-mini", 2000, 200));
    RunWindow first = run("first", "key_a", "10:01:00", "10:02:30");
    RunWindow second = run("second", "key_a", "10:02:40", "10:03:50");

    AttributionResult result = attributor.attribute(rows, List.of(first, second));

    RunAttribution a = result.run("first").orElseThrow();
    RunAttribution b = result.run("second").orElseThrow();
    // first's window is widened to the start of second (10:02:40): 40 s of the minute, second 20 s
    assertThat(a.total().input()).isEqualTo(1000 + 400);
    assertThat(b.total().input()).isEqualTo(200 + 2000);
    assertThat(a.total().plus(b.total())).isEqualTo(sum(rows));
    assertThat(a.exactness()).isEqualTo(Exactness.APPORTIONED);
    assertThat(b.exactness()).isEqualTo(Exactness.APPORTIONED);
    assertThat(a.sharedMinutes())
        .singleElement()
        .isEqualTo(
            new SharedMinute(
                null,
                null,
                at("10:02:00"),
                List.of("second"),
                List.of(),
                shared.counts(),
                new TokenCounts(400, 0, 40, 1)));
    assertThat(b.sharedMinutes())
        .singleElement()
        .isEqualTo(
            new SharedMinute(
                null,
                null,
                at("10:02:00"),
                List.of("first"),
                List.of(),
                shared.counts(),
                new TokenCounts(200, 0, 20, 0)));
    assertThat(a.lowerBound().input()).isEqualTo(1000);
    assertThat(a.upperBound().input()).isEqualTo(1600);
  }

  @Test
  void localPerRequestCountsSplitASharedMinuteExactly() {
    List<UsageRow> rows = List.of(row("10:02:00", "key_a", "gpt-4o-mini", 600, 60));
    RunWindow first =
        new RunWindow("first", "key_a", at("10:01:00"), at("10:02:30"), List.of(), true);
    RunWindow second =
        new RunWindow("second", "key_a", at("10:02:40"), at("10:03:50"), List.of(), true);
    List<LocalRequest> local =
        List.of(
            new LocalRequest(
                at("10:02:20"), "first", null, "gpt-4o-mini", new TokenCounts(100, 0, 50, 1)),
            new LocalRequest(
                at("10:02:55"), "second", null, "gpt-4o-mini", new TokenCounts(500, 0, 10, 0)));

    AttributionResult result = attributor.attribute(rows, List.of(first, second), local);

    assertThat(result.run("first").orElseThrow().total()).isEqualTo(new TokenCounts(100, 0, 50, 1));
    assertThat(result.run("second").orElseThrow().total())
        .isEqualTo(new TokenCounts(500, 0, 10, 0));
    assertThat(result.run("second").orElseThrow().isShared()).isTrue();
  }

  @Test
  void aMeteredRunThatMadeNoRequestInASharedMinuteGetsNothingOfIt() {
    List<UsageRow> rows = List.of(row("10:02:00", "key_a", "gpt-4o-mini", 600, 60));
    RunWindow busy =
        new RunWindow("busy", "key_a", at("10:01:00"), at("10:02:30"), List.of(), true);
    RunWindow idle =
        new RunWindow("idle", "key_a", at("10:02:40"), at("10:03:50"), List.of(), true);
    List<LocalRequest> local =
        List.of(
            new LocalRequest(
                at("10:02:20"), "busy", null, "gpt-4o-mini", new TokenCounts(600, 0, 60, 1)));

    AttributionResult result = attributor.attribute(rows, List.of(busy, idle), local);

    assertThat(result.run("busy").orElseThrow().total()).isEqualTo(rows.get(0).counts());
    assertThat(result.run("idle").orElseThrow().total()).isEqualTo(TokenCounts.ZERO);
    assertThat(result.run("idle").orElseThrow().sharedMinutes()).hasSize(1);
  }

  @Test
  void aRunLongerThanADayKeepsEveryMinute() {
    List<UsageRow> rows = new ArrayList<>();
    Instant start = at("00:00:00");
    int minutes = 1_500;
    for (int m = 0; m < minutes; m++) {
      rows.add(
          new UsageRow(
              start.plusSeconds(60L * m),
              "key_a",
              m % 2 == 0 ? "gpt-4o-mini" : "gpt-4.1",
              null,
              null,
              null,
              new TokenCounts(10, 1, 1, 1)));
    }
    RunWindow run =
        new RunWindow(
            "long", "key_a", start, start.plus(Duration.ofMinutes(minutes)), List.of(), false);

    RunAttribution r = attributor.attribute(rows, List.of(run)).run("long").orElseThrow();

    assertThat(r.total()).isEqualTo(new TokenCounts(10L * minutes, minutes, minutes, minutes));
    assertThat(r.exactness()).isEqualTo(Exactness.EXACT);
    assertThat(r.byLine()).hasSize(2);
    assertThat(r.unstepped()).isEqualTo(r.total());
  }

  @Test
  void usageOfAKeyOutsideEveryRunIsKeptAsUnattributed() {
    UsageRow before = row("09:30:00", "key_a", "gpt-4o-mini", 70, 7);
    UsageRow strangerKey = row("10:01:00", "key_other", "gpt-4o-mini", 5, 5);
    UsageRow inRun = row("10:01:00", "key_a", "gpt-4o-mini", 1000, 100);
    UsageRow afterLag = row("10:03:00", "key_a", "gpt-4.1", 30, 3);

    AttributionResult result =
        attributor.attribute(
            List.of(afterLag, inRun, strangerKey, before),
            List.of(run("r1", "key_a", "10:00:30", "10:02:10")));

    assertThat(result.run("r1").orElseThrow().rows()).containsExactly(inRun);
    assertThat(result.unattributed()).containsExactly(before, afterLag, strangerKey);
    assertThat(result.unattributedByKey())
        .containsEntry("key_a", before.counts().plus(afterLag.counts()))
        .containsEntry("key_other", strangerKey.counts());
  }

  @Test
  void usageFiledWithinTheSettleLagAfterTheEndStillBelongsToTheRun() {
    UsageRow late = row("10:05:00", "key_a", "gpt-4o-mini", 50, 5);

    assertThat(
            attributor
                .attribute(List.of(late), List.of(run("r1", "key_a", "10:00:00", "10:04:50")))
                .run("r1")
                .orElseThrow()
                .rows())
        .containsExactly(late);
    assertThat(
            attributor
                .attribute(List.of(late), List.of(run("r1", "key_a", "10:00:00", "10:04:20")))
                .unattributed())
        .containsExactly(late);
    assertThat(
            new Attributor(Duration.ZERO)
                .attribute(List.of(late), List.of(run("r1", "key_a", "10:00:00", "10:04:50")))
                .unattributed())
        .containsExactly(late);
  }

  @Test
  void theSettleLagNeverReachesIntoTheMinuteInWhichTheNextRunOfTheKeyStarts() {
    UsageRow next = row("10:02:00", "key_a", "gpt-4o-mini", 900, 90);

    AttributionResult result =
        attributor.attribute(
            List.of(next),
            List.of(
                run("first", "key_a", "10:00:00", "10:01:50"),
                run("second", "key_a", "10:02:10", "10:03:00")));

    assertThat(result.run("second").orElseThrow().rows()).containsExactly(next);
    assertThat(result.run("second").orElseThrow().exactness()).isEqualTo(Exactness.EXACT);
    assertThat(result.run("first").orElseThrow().rows()).isEmpty();
  }

  @Test
  void perModelFiguresSurviveASplit() {
    List<UsageRow> rows =
        List.of(
            row("10:02:00", "key_a", "gpt-4o-mini", 301, 31),
            row("10:02:00", "key_a", "gpt-4.1", 77, 7));

    AttributionResult result =
        attributor.attribute(
            rows,
            List.of(
                run("first", "key_a", "10:01:00", "10:02:20"),
                run("second", "key_a", "10:02:40", "10:03:50")));

    RunAttribution a = result.run("first").orElseThrow();
    RunAttribution b = result.run("second").orElseThrow();
    for (UsageRow row : rows) {
      assertThat(a.byLine().get(row.line()).plus(b.byLine().get(row.line())))
          .isEqualTo(row.counts());
    }
  }

  @Test
  void splittingKeepsCachedInputWithinInputForEveryPart() {
    UsageRow cachedOnly =
        new UsageRow(
            at("10:02:00"), "key_a", "gpt-4o-mini", null, null, null, new TokenCounts(5, 5, 1, 1));

    AttributionResult result =
        attributor.attribute(
            List.of(cachedOnly),
            List.of(
                run("a", "key_a", "10:01:00", "10:02:20"),
                run("b", "key_a", "10:02:20", "10:02:40"),
                run("c", "key_a", "10:02:40", "10:03:50")));

    assertThat(result.runs())
        .extracting(r -> r.total().input())
        .containsExactly(2L, 2L, 1L); // 20 s each: remainders tie, the earlier runs get them
    assertThat(result.runs())
        .allSatisfy(r -> assertThat(r.total().cachedInput()).isEqualTo(r.total().input()));
  }

  @Test
  void anOpenRunTakesEveryMinuteUntilTheNextRunOfItsKey() {
    List<UsageRow> rows =
        List.of(
            row("10:10:00", "key_a", "gpt-4o-mini", 10, 1),
            row("12:00:00", "key_a", "gpt-4o-mini", 20, 2),
            row("13:00:00", "key_a", "gpt-4o-mini", 40, 4));

    AttributionResult result =
        attributor.attribute(rows, List.of(run("open", "key_a", "10:00:00", null)));

    assertThat(result.run("open").orElseThrow().total().input()).isEqualTo(70);
  }

  @Test
  void usageInMinutesNoStepReachesIsTheRunsButNoSteps() {
    RunWindow run =
        run(
            "r1",
            "key_a",
            "10:00:00",
            "10:10:00",
            step("s1", "10:00:00", "10:01:00"),
            step("s2", "10:08:00", "10:10:00"));
    UsageRow between = row("10:04:00", "key_a", "gpt-4o-mini", 123, 12);

    RunAttribution r = attributor.attribute(List.of(between), List.of(run)).run("r1").orElseThrow();

    assertThat(r.total()).isEqualTo(between.counts());
    assertThat(r.unsteppedRows()).containsExactly(between);
    assertThat(r.steps()).allSatisfy(s -> assertThat(s.total()).isEqualTo(TokenCounts.ZERO));
  }

  @Test
  void aStepInAMinuteSharedWithAnotherRunIsApportionedUpToTheWholeBucket() {
    UsageRow shared = row("10:02:00", "key_a", "gpt-4o-mini", 600, 60);
    RunWindow first =
        run("first", "key_a", "10:01:00", "10:02:30", step("s1", "10:01:00", "10:02:30"));
    RunWindow second = run("second", "key_a", "10:02:40", "10:03:00");

    StepAttribution s1 =
        attributor
            .attribute(List.of(shared), List.of(first, second))
            .run("first")
            .orElseThrow()
            .step(idx("s1"))
            .orElseThrow();

    assertThat(s1.exactness()).isEqualTo(Exactness.APPORTIONED);
    assertThat(s1.total().input()).isEqualTo(400);
    assertThat(s1.lowerBound()).isEqualTo(TokenCounts.ZERO);
    assertThat(s1.upperBound()).isEqualTo(shared.counts());
    assertThat(s1.sharedMinutes().get(0).otherRunIds()).containsExactly("second");
  }

  @Test
  void rowsOfTheSameMinuteKeyAndLineAreAddedUpAndZeroRowsIgnored() {
    UsageRow half = row("10:01:00", "key_a", "gpt-4o-mini", 50, 5);
    UsageRow zero =
        new UsageRow(at("10:01:00"), "key_a", "gpt-4.1", null, null, null, TokenCounts.ZERO);

    RunAttribution r =
        attributor
            .attribute(
                List.of(half, half, zero), List.of(run("r1", "key_a", "10:00:00", "10:05:00")))
            .run("r1")
            .orElseThrow();

    assertThat(r.rows()).containsExactly(half.withCounts(half.counts().plus(half.counts())));
  }

  @Test
  void theWorkedExampleInDocsAttributionMdHolds() {
    List<UsageRow> rows =
        List.of(
            row("10:01:00", "key_a", "gpt-4o-mini", 1000, 0),
            row("10:02:00", "key_a", "gpt-4o-mini", 600, 0),
            row("10:03:00", "key_a", "gpt-4o-mini", 2000, 0));
    RunWindow a =
        run(
            "A",
            "key_a",
            "10:01:00",
            "10:02:30",
            step("a1", "10:01:00", "10:01:40"),
            step("a2", "10:01:40", "10:02:30"));
    RunWindow b = run("B", "key_a", "10:02:40", "10:03:50");

    AttributionResult result = attributor.attribute(rows, List.of(a, b));

    RunAttribution ra = result.run("A").orElseThrow();
    RunAttribution rb = result.run("B").orElseThrow();
    assertThat(List.of(ra.total().input(), ra.lowerBound().input(), ra.upperBound().input()))
        .containsExactly(1400L, 1000L, 1600L);
    assertThat(List.of(rb.total().input(), rb.lowerBound().input(), rb.upperBound().input()))
        .containsExactly(2200L, 2000L, 2600L);
    StepAttribution a1 = ra.step(idx("a1")).orElseThrow();
    StepAttribution a2 = ra.step(idx("a2")).orElseThrow();
    assertThat(List.of(a1.total().input(), a1.lowerBound().input(), a1.upperBound().input()))
        .containsExactly(667L, 0L, 1000L);
    assertThat(List.of(a2.total().input(), a2.lowerBound().input(), a2.upperBound().input()))
        .containsExactly(733L, 0L, 1600L);
  }

  @Test
  void badInputIsRefusedWithAMessageNamingTheProblem() {
    assertThatThrownBy(
            () -> new UsageRow(at("10:00:30"), "key_a", "m", null, null, null, TokenCounts.ZERO))
        .hasMessageContaining("start of a UTC minute")
        .hasMessageContaining("10:00:30");
    assertThatThrownBy(
            () -> new UsageRow(at("10:00:00"), null, "m", null, null, null, TokenCounts.ZERO))
        .hasMessageContaining("group_by=api_key_id");
    assertThatThrownBy(() -> run("r1", "key_a", "10:05:00", "10:00:00"))
        .hasMessageContaining("end (2025-10-27T10:00:00Z) cannot be before start");
    assertThatThrownBy(
            () ->
                run(
                    "r1",
                    "key_a",
                    "10:00:00",
                    "10:05:00",
                    step("s1", "10:00:00", "10:01:00"),
                    step("s1", "10:01:00", "10:02:00")))
        .hasMessageContaining("step 1 appears twice");
    RunWindow r1 = run("r1", "key_a", "10:00:00", "10:05:00");
    assertThatThrownBy(() -> attributor.attribute(List.of(), List.of(r1, r1)))
        .hasMessageContaining("run id r1 appears twice");
    assertThatThrownBy(() -> new Attributor(Duration.ofSeconds(-1)))
        .hasMessageContaining("settleLag cannot be negative");
  }

  /** The index of a step named like {@code s3}: its digits. */
  private static StepIndex idx(String name) {
    return StepIndex.of(Integer.parseInt(name.replaceAll("\\D", "")));
  }
}
