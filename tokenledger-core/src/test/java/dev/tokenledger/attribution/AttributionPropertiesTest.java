package dev.tokenledger.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Exactness;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Properties over seeded random workloads (each seed is one reproducible workload). */
class AttributionPropertiesTest {
  private static final Workload.Options BUSY =
      new Workload.Options(3, 40, 6, false, true, true, true);
  private static final Workload.Options CLEAN =
      new Workload.Options(3, 30, 6, false, true, false, false);
  private static final Workload.Options FENCED =
      new Workload.Options(2, 20, 6, true, false, true, false);

  private final Attributor attributor = new Attributor();

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233})
  void everyRowIsCountedExactlyOnceAcrossRunsAndUnattributed(long seed) {
    Workload w = Workload.generate(seed, BUSY, seed % 2 == 0);
    List<UsageRow> rows = w.rows();

    AttributionResult result = attributor.attribute(rows, w.runs, w.localRequests());

    Map<List<Object>, TokenCounts> attributed = new HashMap<>();
    for (RunAttribution run : result.runs()) {
      run.rows().forEach(r -> attributed.merge(cell(r), r.counts(), TokenCounts::plus));
    }
    result.unattributed().forEach(r -> attributed.merge(cell(r), r.counts(), TokenCounts::plus));
    Map<List<Object>, TokenCounts> input = new HashMap<>();
    rows.forEach(r -> input.merge(cell(r), r.counts(), TokenCounts::plus));
    assertThat(attributed).isEqualTo(input);
  }

  @ParameterizedTest
  @ValueSource(longs = {2, 5, 19, 61})
  void runsTakenOneByOneInAnyOrderHaveTheFiguresOfTheWholeAttribution(long seed) {
    Workload w = Workload.generate(seed, BUSY, seed % 2 == 0);
    AttributionResult whole = attributor.attribute(w.rows(), w.runs, w.localRequests());

    Attributor.Pending pending = attributor.start(w.rows(), w.runs, w.localRequests());

    List<RunAttribution> runs = new ArrayList<>(whole.runs());
    Collections.shuffle(runs, new Random(seed));
    for (RunAttribution expected : runs) {
      assertThat(pending.take(expected.runId())).isEqualTo(expected);
      assertThat(pending.take(expected.runId())).as("taken once").isNull();
    }
    assertThat(pending.unattributed()).isEqualTo(whole.unattributed());
    assertThat(pending.finishAll().runs()).isEmpty();
  }

  private static List<Object> cell(UsageRow r) {
    return List.of(r.apiKeyId(), r.minute(), r.line());
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 7, 11, 17, 29, 42, 97, 1234})
  void everyRunsStepsAndUnsteppedUsageAddUpToTheRunRowByRow(long seed) {
    Workload w = Workload.generate(seed, BUSY, false);

    for (RunAttribution run : attributor.attribute(w.rows(), w.runs).runs()) {
      Map<List<Object>, TokenCounts> parts = new HashMap<>();
      run.steps()
          .forEach(s -> s.rows().forEach(r -> parts.merge(cell(r), r.counts(), TokenCounts::plus)));
      run.unsteppedRows().forEach(r -> parts.merge(cell(r), r.counts(), TokenCounts::plus));
      Map<List<Object>, TokenCounts> whole = new HashMap<>();
      run.rows().forEach(r -> whole.merge(cell(r), r.counts(), TokenCounts::plus));
      assertThat(parts).as(run.runId()).isEqualTo(whole);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 6, 9, 12, 15, 18, 21, 24})
  void figuresLieWithinTheirBoundsAndExactFiguresEqualThem(long seed) {
    Workload w = Workload.generate(seed, BUSY, seed % 3 == 0);

    for (RunAttribution run : attributor.attribute(w.rows(), w.runs, w.localRequests()).runs()) {
      assertWithinBounds(
          run.runId(), run.lowerBound(), run.total(), run.upperBound(), run.exactness());
      for (StepAttribution step : run.steps()) {
        assertWithinBounds(
            run.runId() + "/" + step.step(),
            step.lowerBound(),
            step.total(),
            step.upperBound(),
            step.exactness());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {31, 32, 33, 34, 35, 36})
  void theTrueFigureOfEveryRunAndStepLiesWithinItsBounds(long seed) {
    Workload w = Workload.generate(seed, CLEAN, false);

    for (RunAttribution run : attributor.attribute(w.rows(), w.runs).runs()) {
      TokenCounts truth = w.truthOfRun(run.runId());
      assertWithinBounds(run.runId(), run.lowerBound(), truth, run.upperBound(), run.exactness());
      if (run.exactness() == Exactness.EXACT) {
        assertThat(run.total()).isEqualTo(truth);
      }
      for (StepAttribution step : run.steps()) {
        TokenCounts stepTruth = w.truthOfStep(run.runId(), step.step());
        assertWithinBounds(
            step.step().toString(),
            step.lowerBound(),
            stepTruth,
            step.upperBound(),
            step.exactness());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {41, 42, 43, 44, 45, 46})
  void fencedWorkloadsGiveExactFiguresEqualToWhatEachStepUsed(long seed) {
    Workload w = Workload.generate(seed, FENCED, false);

    AttributionResult result = attributor.attribute(w.rows(), w.runs);

    for (RunAttribution run : result.runs()) {
      assertThat(run.exactness()).as(run.runId()).isEqualTo(Exactness.EXACT);
      assertThat(run.total()).as(run.runId()).isEqualTo(w.truthOfRun(run.runId()));
      for (StepAttribution step : run.steps()) {
        assertThat(step.exactness()).as(run.runId() + "/" + step.step()).isEqualTo(Exactness.EXACT);
        assertThat(step.total()).isEqualTo(w.truthOfStep(run.runId(), step.step()));
      }
    }
    for (String key : List.of("key_a", "key_b")) {
      assertThat(result.unattributedByKey().getOrDefault(key, TokenCounts.ZERO))
          .isEqualTo(w.foreignUsageOf(key));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {51, 52, 53, 54, 55, 56})
  void exactLocalCountsMakeEveryRunAndStepEqualWhatItUsed(long seed) {
    Workload w = Workload.generate(seed, CLEAN, true);

    for (RunAttribution run : attributor.attribute(w.rows(), w.runs, w.localRequests()).runs()) {
      assertThat(run.total()).as(run.runId()).isEqualTo(w.truthOfRun(run.runId()));
      for (StepAttribution step : run.steps()) {
        assertThat(step.total())
            .as(run.runId() + "/" + step.step())
            .isEqualTo(w.truthOfStep(run.runId(), step.step()));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {61, 62, 63, 64, 65})
  void theResultDependsOnlyOnTheInputsNotOnTheirOrder(long seed) {
    Workload w = Workload.generate(seed, BUSY, seed % 2 == 1);
    AttributionResult first = attributor.attribute(w.rows(), w.runs, w.localRequests());

    Random shuffle = new Random(seed);
    List<UsageRow> rows = new ArrayList<>(w.rows());
    List<RunWindow> runs = new ArrayList<>(w.runs);
    List<LocalRequest> local = new ArrayList<>(w.localRequests());
    Collections.shuffle(rows, shuffle);
    Collections.shuffle(runs, shuffle);
    Collections.shuffle(local, shuffle);
    AttributionResult second = attributor.attribute(rows, runs, local);

    assertThat(second.unattributed()).isEqualTo(first.unattributed());
    for (RunAttribution run : first.runs()) {
      assertThat(second.run(run.runId())).contains(run);
    }
    assertThat(attributor.attribute(w.rows(), w.runs, w.localRequests())).isEqualTo(first);
  }

  private static void assertWithinBounds(
      String what, TokenCounts lower, TokenCounts figure, TokenCounts upper, Exactness exactness) {
    assertThat(le(lower, figure)).as("%s: lower %s <= %s", what, lower, figure).isTrue();
    assertThat(le(figure, upper)).as("%s: %s <= upper %s", what, figure, upper).isTrue();
    if (exactness == Exactness.EXACT) {
      assertThat(lower).as(what).isEqualTo(upper);
    }
  }

  private static boolean le(TokenCounts a, TokenCounts b) {
    return a.input() <= b.input()
        && a.cachedInput() <= b.cachedInput()
        && a.output() <= b.output()
        && a.requests() <= b.requests();
  }
}
