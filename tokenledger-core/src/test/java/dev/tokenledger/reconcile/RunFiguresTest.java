package dev.tokenledger.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.AttributionResult;
import dev.tokenledger.attribution.Attributor;
import dev.tokenledger.attribution.RunWindow;
import dev.tokenledger.attribution.StepWindow;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunFiguresTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  private static final UsageLine MINI = new UsageLine("gpt-4o-mini", "default", false, "proj_1");
  private static final UsageLine EMBED = new UsageLine("text-embedding-3-small", null, null, null);

  @Test
  void usageOutsideEveryStepGetsLinesOfItsOwnThatAddUpToItsFigure() {
    // step 1 covers the first minute; the run goes on two more minutes with no step open
    RunWindow run =
        new RunWindow(
            "r1",
            "key_a",
            T0,
            T0.plusSeconds(170),
            List.of(new StepWindow(StepIndex.of(1), T0, T0.plusSeconds(20))));
    List<UsageRow> rows =
        List.of(
            UsageRow.of(T0, "key_a", MINI, new TokenCounts(100, 20, 10, 1)),
            UsageRow.of(T0.plusSeconds(120), "key_a", MINI, new TokenCounts(40, 0, 4, 1)),
            UsageRow.of(T0.plusSeconds(120), "key_a", EMBED, new TokenCounts(9, 0, 0, 1)));
    AttributionResult result = new Attributor().attribute(rows, List.of(run));

    RunFigures f =
        new RunFigures(
            Map.of(Endpoint.COMPLETIONS, result.run("r1").orElseThrow()),
            Map.of(Endpoint.COMPLETIONS, 42L),
            true);

    Figure outside =
        f.figures.stream()
            .filter(x -> StepIndex.OUTSIDE.equals(x.step()))
            .findFirst()
            .orElseThrow();
    assertThat(outside.total()).isEqualTo(new TokenCounts(49, 0, 4, 2));
    List<LineFigure> outsideLines =
        f.lines.stream().filter(l -> StepIndex.OUTSIDE.equals(l.step())).toList();
    assertThat(outsideLines)
        .extracting(LineFigure::line, LineFigure::counts)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(MINI, new TokenCounts(40, 0, 4, 1)),
            org.assertj.core.groups.Tuple.tuple(EMBED, new TokenCounts(9, 0, 0, 1)));
    assertThat(outsideLines)
        .allSatisfy(
            l -> {
              assertThat(l.readId()).isEqualTo(42L);
              assertThat(l.endpoint()).isEqualTo(Endpoint.COMPLETIONS);
            });
    // the run's lines are its steps' lines plus the lines outside them, nothing subtracted
    TokenCounts runLines = sum(f.lines, null);
    assertThat(sum(f.lines, StepIndex.of(1)).plus(sum(f.lines, StepIndex.OUTSIDE)))
        .isEqualTo(runLines)
        .isEqualTo(f.total);
  }

  @Test
  void aRunWithoutStepsHasNoLinesOutsideSteps() {
    RunWindow run = new RunWindow("r1", "key_a", T0, T0.plusSeconds(60), List.of());
    AttributionResult result =
        new Attributor()
            .attribute(
                List.of(UsageRow.of(T0, "key_a", MINI, new TokenCounts(10, 0, 1, 1))),
                List.of(run));

    RunFigures f =
        new RunFigures(
            Map.of(Endpoint.COMPLETIONS, result.run("r1").orElseThrow()),
            Map.of(Endpoint.COMPLETIONS, 1L),
            false);

    assertThat(f.lines).extracting(LineFigure::step).containsOnlyNulls();
    assertThat(f.figures).extracting(Figure::step).containsOnlyNulls();
  }

  private static TokenCounts sum(List<LineFigure> lines, StepIndex step) {
    return lines.stream()
        .filter(l -> java.util.Objects.equals(l.step(), step))
        .map(LineFigure::counts)
        .reduce(TokenCounts.ZERO, TokenCounts::plus);
  }
}
