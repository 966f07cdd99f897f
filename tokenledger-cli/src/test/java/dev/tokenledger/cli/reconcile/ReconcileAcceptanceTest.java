package dev.tokenledger.cli.reconcile;

import static dev.tokenledger.cli.reconcile.SimLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.MinuteFence;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.ProvenanceStore.Reconciliation;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.RunOutcome;
import dev.tokenledger.reconcile.UnattributedUsage;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.ServedUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance cases of issue 6 against the in-process simulator on a stepped clock: every run
 * ends final with exactly what the simulator served for it.
 */
class ReconcileAcceptanceTest {
  private static final ReportingDelay FEW_MINUTES =
      ReportingDelay.uniform(Duration.ofMinutes(1), Duration.ofMinutes(6));

  @TempDir Path dir;

  private SimLab lab(ReportingDelay delay) {
    return new SimLab(LedgerLocation.sqlite(dir.resolve("ledger.db")), delay);
  }

  private static TokenCounts sum(List<TokenCounts> parts) {
    return parts.stream().reduce(TokenCounts.ZERO, TokenCounts::plus);
  }

  @Test
  void twoFrameworksInTheSameMinutesEachGetExactlyTheirOwnKeysTokens() {
    try (SimLab lab = lab(FEW_MINUTES)) {
      for (int i = 0; i < 8; i++) {
        Instant at = T0.plusSeconds(5 + 20L * i);
        lab.chat("chatdev", at);
        lab.chat("baes", at.plusSeconds(3), "gpt-4.1-mini");
      }
      lab.embed("baes", T0.plusSeconds(170));
      String chatdev = lab.run("chatdev", T0, T0.plusSeconds(175));
      String baes = lab.run("baes", T0.plusSeconds(2), T0.plusSeconds(178));

      PassReport last = lab.settle();

      assertThat(last.runs())
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(ReconcileStatus.FINAL));
      TokenCounts chatdevTruth = lab.served(lab.keyId("chatdev"));
      TokenCounts baesTruth = lab.served(lab.keyId("baes"));
      assertThat(lab.figures(chatdev)).isEqualTo(chatdevTruth);
      assertThat(lab.figures(baes)).isEqualTo(baesTruth);
      assertThat(baesTruth.requests()).isEqualTo(9);
      TokenCounts org = sum(lab.sim.served().stream().map(ServedUsage::counts).toList());
      assertThat(lab.figures(chatdev).plus(lab.figures(baes))).isEqualTo(org);
    }
  }

  @Test
  void sixShortStepsInThreeMinutesAreApportionedWithinBoundsAndSumToTheExactRunTotal() {
    try (SimLab lab = lab(FEW_MINUTES)) {
      List<StepSpec> steps = new ArrayList<>();
      List<TokenCounts> truth = new ArrayList<>();
      Instant start = T0.plusSeconds(3);
      for (int s = 0; s < 6; s++) {
        Instant stepStart = start.plusSeconds(30L * s);
        truth.add(
            lab.chat("chatdev", stepStart.plusSeconds(4))
                .plus(lab.chat("chatdev", stepStart.plusSeconds(20))));
        steps.add(new StepSpec(s + 1, "s" + (s + 1), stepStart, stepStart.plusSeconds(28), 0));
      }
      String run = lab.runWithSteps("chatdev", start, start.plusSeconds(178), steps);

      lab.settle();

      Reconciliation r = lab.reconciliation(run);
      assertThat(r.latest().status()).isEqualTo(ReconcileStatus.FINAL);
      Figure total = figure(r, null);
      assertThat(total.apportioned()).as("one run alone on its key").isFalse();
      assertThat(total.total()).isEqualTo(lab.served(lab.keyId("chatdev"))).isEqualTo(sum(truth));
      List<TokenCounts> stepFigures = new ArrayList<>();
      for (int s = 1; s <= 6; s++) {
        Figure step = figure(r, s);
        assertThat(step.apportioned()).as("step %d shares minutes", s).isTrue();
        TokenCounts actual = truth.get(s - 1);
        assertThat(step.lowerBound().input()).isLessThanOrEqualTo(actual.input());
        assertThat(step.upperBound().input()).isGreaterThanOrEqualTo(actual.input());
        assertThat(step.lowerBound().output()).isLessThanOrEqualTo(actual.output());
        assertThat(step.upperBound().output()).isGreaterThanOrEqualTo(actual.output());
        stepFigures.add(step.total());
      }
      TokenCounts unstepped =
          r.figures().stream()
              .filter(f -> StepIndex.OUTSIDE.equals(f.step()))
              .map(Figure::total)
              .findFirst()
              .orElse(TokenCounts.ZERO);
      assertThat(sum(stepFigures).plus(unstepped)).isEqualTo(total.total());
    }
  }

  @Test
  void fencedStepsOwnTheirMinutesAndGetExactlyWhatTheSimulatorServedPerStep() {
    try (SimLab lab = lab(FEW_MINUTES)) {
      List<StepSpec> steps = new ArrayList<>();
      List<TokenCounts> truth = new ArrayList<>();
      Instant lastEnd = null;
      Instant cursor = T0.plusSeconds(3);
      for (int s = 0; s < 6; s++) {
        Instant stepStart = MinuteFence.earliestStart(lastEnd, cursor);
        truth.add(
            lab.chat("chatdev", stepStart.plusSeconds(4))
                .plus(lab.chat("chatdev", stepStart.plusSeconds(20))));
        Instant stepEnd = stepStart.plusSeconds(28);
        steps.add(new StepSpec(s + 1, "s" + (s + 1), stepStart, stepEnd, 0));
        lastEnd = stepEnd;
        cursor = stepEnd.plusSeconds(2);
      }
      String run = lab.runWithSteps("chatdev", steps.get(0).startedAt(), lastEnd, steps);

      lab.settle();

      Reconciliation r = lab.reconciliation(run);
      assertThat(r.latest().status()).isEqualTo(ReconcileStatus.FINAL);
      for (int s = 1; s <= 6; s++) {
        Figure step = figure(r, s);
        assertThat(step.apportioned()).as("fenced step %d", s).isFalse();
        assertThat(step.total()).isEqualTo(truth.get(s - 1));
        assertThat(step.lowerBound()).isEqualTo(step.upperBound()).isEqualTo(step.total());
      }
      assertThat(figure(r, null).total()).isEqualTo(lab.served(lab.keyId("chatdev")));
    }
  }

  @Test
  void backToBackRunsOfOneKeyShareAMinuteSplitFlaggedOnBothAndCountedOnce() {
    try (SimLab lab = lab(FEW_MINUTES)) {
      for (int i = 0; i < 6; i++) {
        lab.chat("ghspec", T0.plusSeconds(10 + 15L * i));
      }
      for (int i = 0; i < 6; i++) {
        lab.chat("ghspec", T0.plusSeconds(100 + 15L * i));
      }
      // A: 10:00:05–10:01:35, B: 10:01:38–10:03:00; both file usage in minute 10:01
      String a = lab.run("ghspec", T0.plusSeconds(5), T0.plusSeconds(95));
      String b = lab.run("ghspec", T0.plusSeconds(98), T0.plusSeconds(180));

      PassReport last = lab.settle();

      assertThat(last.runs())
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(ReconcileStatus.FINAL));
      Reconciliation ra = lab.reconciliation(a);
      Reconciliation rb = lab.reconciliation(b);
      Instant shared = T0.plusSeconds(60);
      assertThat(ra.sharedMinutes())
          .anySatisfy(
              m -> {
                assertThat(m.step()).isNull();
                assertThat(m.minute()).isEqualTo(shared);
                assertThat(m.otherRunIds()).containsExactly(b);
              });
      assertThat(rb.sharedMinutes())
          .anySatisfy(m -> assertThat(m.otherRunIds()).containsExactly(a));
      assertThat(figure(ra, null).apportioned()).isTrue();
      assertThat(figure(rb, null).apportioned()).isTrue();
      TokenCounts bucket = lab.served(lab.keyId("ghspec"), shared, shared.plusSeconds(60));
      assertThat(ra.sharedMinutes().get(0).share().plus(rb.sharedMinutes().get(0).share()))
          .isEqualTo(bucket);
      assertThat(lab.figures(a).plus(lab.figures(b))).isEqualTo(lab.served(lab.keyId("ghspec")));
      assertThat(lab.figures(a))
          .isEqualTo(
              lab.served(lab.keyId("ghspec"), T0, shared).plus(ra.sharedMinutes().get(0).share()));
    }
  }

  @Test
  void meteredRunsSharingAMinuteAreSplitByTheirOwnRequestsExactly() {
    try (SimLab lab = lab(FEW_MINUTES)) {
      TokenCounts truthA = TokenCounts.ZERO;
      TokenCounts truthB = TokenCounts.ZERO;
      for (int i = 0; i < 6; i++) {
        truthA = truthA.plus(lab.chat("ghspec", T0.plusSeconds(10 + 15L * i)));
      }
      for (int i = 0; i < 6; i++) {
        truthB = truthB.plus(lab.chat("ghspec", T0.plusSeconds(100 + 15L * i)));
      }
      String a = lab.run("ghspec", T0.plusSeconds(5), T0.plusSeconds(95));
      String b = lab.run("ghspec", T0.plusSeconds(98), T0.plusSeconds(180));
      lab.recordLocal(a, "ghspec", T0.plusSeconds(5), T0.plusSeconds(95));
      lab.recordLocal(b, "ghspec", T0.plusSeconds(98), T0.plusSeconds(180));

      lab.settle();

      assertThat(lab.figures(a)).isEqualTo(truthA);
      assertThat(lab.figures(b)).isEqualTo(truthB);
      assertThat(lab.reconciliation(a).latest().status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(lab.reconciliation(b).latest().status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(figure(lab.reconciliation(a), null).apportioned()).isTrue();
    }
  }

  @Test
  void aRunLongerThanADayIsPagedAndNothingIsTruncated() {
    try (SimLab lab = lab(FEW_MINUTES)) {
      Instant end = T0.plus(Duration.ofHours(26));
      for (Instant at = T0.plusSeconds(30);
          at.isBefore(end);
          at = at.plus(Duration.ofMinutes(20))) {
        lab.chat("baes", at, "gpt-4.1-mini");
      }
      String run = lab.run("baes", T0, end);
      lab.clock.set(end);

      PassReport first = lab.reconciler().pass(dev.tokenledger.reconcile.PassRequest.notFinal());

      assertThat(first.stats().minutesCovered()).isGreaterThan(1_440);
      assertThat(first.stats().requestsByEndpoint()).containsEntry("completions", 2);
      assertThat(lab.sim.requests("/organization/usage/completions"))
          .anySatisfy(q -> assertThat(q.rawQuery()).contains("page="));
      lab.settle();
      assertThat(lab.reconciliation(run).latest().status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(lab.figures(run)).isEqualTo(lab.served(lab.keyId("baes")));
      assertThat(lab.figures(run).requests()).isEqualTo(78);
    }
  }

  @Test
  void aRunThatMadeNoRequestsBecomesFinalWithZerosAfterTheStableReads() {
    try (SimLab lab = lab(FEW_MINUTES)) {
      lab.chat("chatdev", T0.plusSeconds(10));
      String busy = lab.run("chatdev", T0, T0.plusSeconds(40));
      String idle = lab.run("baes", T0.plusSeconds(5), T0.plusSeconds(50));
      lab.clock.set(T0.plusSeconds(60));

      List<ReconcileStatus> idleStatuses = new ArrayList<>();
      lab.reconciler()
          .watch(
              dev.tokenledger.reconcile.PassRequest.notFinal(),
              Duration.ofHours(2),
              lab.clock::advance,
              p ->
                  p.runs().stream()
                      .filter(r -> r.run().id().equals(idle))
                      .forEach(r -> idleStatuses.add(r.status())));

      assertThat(lab.figures(idle)).isEqualTo(TokenCounts.ZERO);
      assertThat(lab.reconciliation(idle).latest().status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(idleStatuses).first().isEqualTo(ReconcileStatus.PENDING);
      assertThat(idleStatuses).last().isEqualTo(ReconcileStatus.FINAL);
      assertThat(idleStatuses.indexOf(ReconcileStatus.FINAL)).isGreaterThanOrEqualTo(2);
      assertThat(lab.figures(busy)).isEqualTo(lab.served(lab.keyId("chatdev")));
    }
  }

  @Test
  void usageOfAFrameworkKeyOutsideEveryRunIsReportedAsUnattributed() {
    try (SimLab lab = lab(FEW_MINUTES)) {
      TokenCounts inRun =
          lab.chat("chatdev", T0.plusSeconds(10)).plus(lab.chat("chatdev", T0.plusSeconds(30)));
      // someone else uses the framework's key twenty minutes later, outside any recorded run
      TokenCounts outside =
          lab.chat("chatdev", T0.plus(Duration.ofMinutes(20)))
              .plus(lab.chat("chatdev", T0.plus(Duration.ofMinutes(21))));
      String run = lab.run("chatdev", T0, T0.plusSeconds(45));
      lab.run("chatdev", T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofMinutes(31)));

      List<UnattributedUsage> seen = new ArrayList<>();
      lab.reconciler()
          .watch(
              dev.tokenledger.reconcile.PassRequest.notFinal(),
              Duration.ofHours(3),
              lab.clock::advance,
              p -> {
                if (!p.unattributed().isEmpty()) {
                  seen.clear();
                  seen.addAll(p.unattributed());
                }
              });

      assertThat(lab.figures(run)).isEqualTo(inRun);
      assertThat(seen)
          .singleElement()
          .satisfies(
              u -> {
                assertThat(u.apiKeyId()).isEqualTo(lab.keyId("chatdev"));
                assertThat(u.counts()).isEqualTo(outside);
                assertThat(u.minutes()).isEqualTo(2);
              });
    }
  }

  private static Figure figure(Reconciliation r, Integer step) {
    return r.figures().stream()
        .filter(f -> java.util.Objects.equals(f.step(), step == null ? null : StepIndex.of(step)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no figure for step " + step + " in " + r.figures()));
  }

  static RunOutcome outcome(PassReport report, String runId) {
    return report.runs().stream().filter(r -> r.run().id().equals(runId)).findFirst().orElseThrow();
  }
}
