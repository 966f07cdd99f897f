package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's workload: its step windows, and every request it plays served through its key. */
class WorkloadTest {
  private static final Instant START = Instant.parse("2025-10-27T09:00:00Z");

  @Test
  void playsEveryStepsRequestsThroughItsFrameworksKeyOnTheSimulatorsClock() throws Exception {
    try (OpenAiSimulator sim =
        OpenAiSimulator.builder().clock(SimClock.stepped(START)).seed(1).start()) {
      SimKey chatdev = sim.register(SimKey.project("chatdev runner", "proj_a"));
      SimKey ghspec = sim.register(SimKey.project("ghspec runner", "proj_a"));
      Workload workload =
          Workload.builder(
                  List.of(
                      new Workload.Framework("chatdev", chatdev, "gpt-4o-mini", false),
                      new Workload.Framework("ghspec", ghspec, "gpt-4.1-mini", true)))
              .start(START)
              .build();

      List<Workload.StepWindow> steps = workload.play(sim);

      // 2 frameworks x 2 runs x 3 steps; 3 requests a step, 2 for the sharing framework
      assertThat(steps).hasSize(12).isSortedAccordingTo(Comparator.comparing(s -> s.start()));
      assertThat(workload.requestCount()).isEqualTo(2 * 3 * 3 + 2 * 3 * 2);
      assertThat(steps.get(0))
          .isEqualTo(
              new Workload.StepWindow("chatdev", 1, 1, "plan", START, START.plusSeconds(50)));
      assertThat(steps)
          .filteredOn(s -> s.framework().equals("ghspec") && s.run() == 2 && s.step() == 3)
          .containsExactly(
              new Workload.StepWindow(
                  "ghspec",
                  2,
                  3,
                  "review",
                  START.plusSeconds(6 * 60 + 5 + 60),
                  START.plusSeconds(6 * 60 + 5 + 60 + 25)));
      Instant end = START.plus(Duration.ofHours(1));
      assertThat(sim.servedCompletions(chatdev.id(), START, end).requests()).isEqualTo(18);
      assertThat(sim.servedCompletions(ghspec.id(), START, end).requests()).isEqualTo(12);
    }
  }

  @Test
  void aStepMakesAtLeastOneRequest() {
    Workload.Builder builder = Workload.builder(List.of());
    assertThatThrownBy(() -> builder.callsPerStep(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one request");
  }
}
