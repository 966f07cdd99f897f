package dev.tokenledger.attribution;

import static dev.tokenledger.attribution.AttributorTest.at;
import static dev.tokenledger.attribution.AttributorTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.figures.StepIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FetchPlannerTest {
  private static final Instant LATER = Instant.parse("2025-11-30T00:00:00Z");
  private final FetchPlanner planner = new FetchPlanner();

  @Test
  void oneWindowCoversOverlappingRunsOfSeveralKeysInWholeMinutes() {
    List<QueryWindow> plan =
        planner.plan(
            List.of(
                run("a", "key_b", "10:00:05", "10:04:50"),
                run("b", "key_a", "10:03:10", "10:07:20")),
            LATER);

    assertThat(plan)
        .containsExactly(
            new QueryWindow(at("10:00:00"), at("10:08:00"), List.of("key_a", "key_b")));
  }

  @Test
  void theWindowReachesTheSettleLagPastTheLastEnd() {
    assertThat(planner.plan(List.of(run("a", "key_a", "10:00:05", "10:04:50")), LATER))
        .containsExactly(new QueryWindow(at("10:00:00"), at("10:06:00"), List.of("key_a")));
  }

  @Test
  void clustersDaysApartAreFetchedSeparately() {
    List<RunWindow> runs =
        List.of(
            run("a", "key_a", "10:00:00", "10:10:00"),
            new RunWindow(
                "b",
                "key_b",
                at("10:00:00").plus(Duration.ofDays(3)),
                at("10:20:00").plus(Duration.ofDays(3)),
                List.of()));

    List<QueryWindow> plan = planner.plan(runs, LATER);

    assertThat(plan).hasSize(2);
    assertThat(plan.get(0).apiKeyIds()).containsExactly("key_a");
    assertThat(plan.get(1).apiKeyIds()).containsExactly("key_b");
    assertThat(plan.get(1).start()).isEqualTo(at("10:00:00").plus(Duration.ofDays(3)));
  }

  @Test
  void clustersWithinTheMergeGapAreFetchedTogether() {
    List<RunWindow> runs =
        List.of(
            run("a", "key_a", "10:00:00", "10:10:00"), run("b", "key_a", "10:50:00", "11:00:00"));

    assertThat(planner.plan(runs, LATER)).hasSize(1);
    assertThat(new FetchPlanner(Duration.ofSeconds(30), Duration.ofMinutes(10)).plan(runs, LATER))
        .hasSize(1); // apart by more than the gap, but one page fetches both
  }

  @Test
  void clustersAreMergedOnlyWhenThatSavesOrCostsNoPage() {
    FetchPlanner strict = new FetchPlanner(Duration.ZERO, Duration.ZERO);
    Instant start = at("00:00:00");
    RunWindow fullDay =
        new RunWindow("day", "key_a", start, start.plus(Duration.ofDays(1)), List.of());
    RunWindow nextDay =
        new RunWindow(
            "next",
            "key_a",
            start.plus(Duration.ofMinutes(1441)),
            start.plus(Duration.ofMinutes(2881)),
            List.of());

    List<QueryWindow> plan = strict.plan(List.of(fullDay, nextDay), LATER);

    assertThat(plan).extracting(QueryWindow::pages).containsExactly(1L, 1L);
  }

  @Test
  void openRunsAndRecentEndsAreCutAtTheCurrentMinuteAndFutureRunsSkipped() {
    List<QueryWindow> plan =
        planner.plan(
            List.of(
                run("open", "key_a", "10:00:00", null),
                run("recent", "key_b", "10:05:00", "10:11:50"),
                run("future", "key_c", "10:30:00", null)),
            at("10:12:10"));

    assertThat(plan)
        .containsExactly(
            new QueryWindow(at("10:00:00"), at("10:13:00"), List.of("key_a", "key_b")));
  }

  @Test
  void aThousandRunsOfSixStepsInOneDayNeedAtMostTwoRequests() {
    List<RunWindow> runs = new ArrayList<>();
    Instant day = at("00:00:00");
    for (int i = 0; i < 1_000; i++) {
      Instant start = day.plusSeconds(i * 86L);
      List<StepWindow> steps = new ArrayList<>();
      for (int s = 0; s < 6; s++) {
        steps.add(
            new StepWindow(
                StepIndex.of(s + 1), start.plusSeconds(10L * s), start.plusSeconds(10L * s + 9)));
      }
      runs.add(new RunWindow("r" + i, "key_" + (i % 3), start, start.plusSeconds(60), steps));
    }

    List<QueryWindow> plan = planner.plan(runs, LATER);

    assertThat(plan.stream().mapToLong(QueryWindow::pages).sum()).isLessThanOrEqualTo(2);
    assertThat(plan).allSatisfy(w -> assertThat(w.apiKeyIds()).hasSize(3));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void windowsNeverOverlapAndCoverEveryMinuteARunsUsageCanBeFiledIn(long seed) {
    Workload w =
        Workload.generate(seed, new Workload.Options(3, 25, 4, false, true, true, true), false);
    FetchPlanner tight = new FetchPlanner(Duration.ofSeconds(30), Duration.ofMinutes(5));

    List<QueryWindow> plan = tight.plan(w.runs, LATER);

    for (int i = 1; i < plan.size(); i++) {
      assertThat(plan.get(i).start()).isAfterOrEqualTo(plan.get(i - 1).end());
    }
    for (RunWindow run : w.runs) {
      Instant lastFiled = run.end().plusSeconds(30).minusMillis(1);
      assertThat(plan)
          .as(run.runId())
          .anySatisfy(
              q -> {
                assertThat(q.start()).isBeforeOrEqualTo(run.start());
                assertThat(q.end()).isAfter(lastFiled);
                assertThat(q.apiKeyIds()).contains(run.apiKeyId());
              });
    }
  }

  @Test
  void badSettingsAndWindowsAreRefused() {
    assertThatThrownBy(() -> new FetchPlanner(Duration.ZERO, Duration.ofMinutes(-1)))
        .hasMessageContaining("mergeGap cannot be negative");
    assertThatThrownBy(() -> new QueryWindow(at("10:00:10"), at("10:01:00"), List.of("key_a")))
        .hasMessageContaining("whole minutes");
    assertThatThrownBy(() -> new QueryWindow(at("10:00:00"), at("10:01:00"), List.of()))
        .hasMessageContaining("at least one api key id");
  }
}
