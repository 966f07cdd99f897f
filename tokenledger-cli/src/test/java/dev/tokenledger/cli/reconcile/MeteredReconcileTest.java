package dev.tokenledger.cli.reconcile;

import static dev.tokenledger.cli.reconcile.SimLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Basis;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.Backend;
import dev.tokenledger.ledger.MeterSpill;
import dev.tokenledger.ledger.MeteredFigures;
import dev.tokenledger.ledger.StepSpec;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.reconcile.Audit;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.ReconcileWarning;
import dev.tokenledger.reconcile.RunOutcome;
import dev.tokenledger.reconcile.UnattributedUsage;
import dev.tokenledger.recording.LedgerMeterSink;
import dev.tokenledger.sim.ReportingDelay;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ground truth of issue 11, with the simulator as the Usage API: metered runs of one key in the
 * same minute come out exact before and after the audit, usage around the meter is flagged {@code
 * unmetered}, a Usage API below the meter is a warning, and a run whose meter failed falls back to
 * the Usage API alone. The metered requests are built from what the simulator answered (the usage
 * its responses carried), as the proxy would record them.
 */
class MeteredReconcileTest {
  @TempDir Path dir;

  private static SimLab lab(Backend backend, Path dir) {
    return new SimLab(
        backend.newLocation(dir),
        ReportingDelay.uniform(Duration.ofMinutes(1), Duration.ofMinutes(6)));
  }

  /**
   * A metered run: recorded with its steps and marked metered, as {@code run exec --meter} does.
   */
  private static String meteredRun(SimLab lab, String framework, Instant... bounds) {
    String run = lab.run(framework, bounds);
    lab.ledger.meterStore().markMetered(run);
    return run;
  }

  /** The request the proxy records for the simulator's answer to {@code call}. */
  private static MeteredRequest metered(String runId, Integer step, SimLab lab, SimLab.Call call) {
    TokenCounts c = call.counts();
    return new MeteredRequest(
        runId,
        step,
        null,
        lab.keyId(call.framework()),
        "POST",
        "/chat/completions",
        UsageEndpoint.COMPLETIONS,
        call.model(),
        call.at().minusMillis(700),
        // the proxy sees the last byte a little after the upstream finished
        call.at().plusMillis(40),
        200,
        "req_" + call.at().toEpochMilli(),
        false,
        UsageState.REPORTED,
        MeteredUsage.of(c.input(), c.cachedInput(), c.output()),
        null);
  }

  private static LedgerMeterSink sink(SimLab lab, Path dir) {
    return LedgerMeterSink.open(
        lab.ledger,
        new MeterSpill(dir.resolve("spill")),
        w -> {
          throw new AssertionError(w);
        });
  }

  /** What the passes until every run settled said: each run's outcome in the last pass read it. */
  private record Settled(Map<String, RunOutcome> runs, List<UnattributedUsage> unattributed) {
    RunOutcome of(String runId) {
      return Objects.requireNonNull(runs.get(runId), runId);
    }
  }

  private static Settled settle(SimLab lab) {
    Map<String, RunOutcome> runs = new HashMap<>();
    List<UnattributedUsage> unattributed = new ArrayList<>();
    lab.reconciler()
        .watch(
            PassRequest.notFinal(),
            Duration.ofHours(6),
            lab.clock::advance,
            report -> {
              report.runs().stream()
                  .filter(RunOutcome::read)
                  .forEach(o -> runs.put(o.run().id(), o));
              if (!report.unattributed().isEmpty()) {
                unattributed.clear();
                unattributed.addAll(report.unattributed());
              }
            });
    return new Settled(runs, unattributed);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void twoMeteredRunsOfOneKeyInOneMinuteAreExactBeforeAndAfterTheAudit(Backend backend) {
    try (SimLab lab = lab(backend, dir);
        LedgerMeterSink sink = sink(lab, dir)) {
      // run A makes three calls over two steps; run B, in the same minute, makes none
      String a =
          meteredRun(lab, "chatdev", T0.plusSeconds(2), T0.plusSeconds(25), T0.plusSeconds(40));
      String b = meteredRun(lab, "chatdev", T0.plusSeconds(42), T0.plusSeconds(58));
      lab.chat("chatdev", T0.plusSeconds(8));
      lab.chat("chatdev", T0.plusSeconds(20));
      lab.chat("chatdev", T0.plusSeconds(39));
      List<SimLab.Call> calls = List.copyOf(lab.calls);
      sink.record(metered(a, 1, lab, calls.get(0)));
      sink.record(metered(a, 1, lab, calls.get(1)));
      sink.record(metered(a, 2, lab, calls.get(2)));
      sink.flush();
      TokenCounts truth = lab.served(lab.keyId("chatdev"));
      TokenCounts step1 = calls.get(0).counts().plus(calls.get(1).counts());

      // before any reconcile: exact, per run and per step
      MeteredFigures fa = lab.ledger.meterStore().figures(a);
      assertThat(fa.run().counts()).isEqualTo(truth);
      assertThat(fa.step(StepIndex.of(1)).orElseThrow().counts()).isEqualTo(step1);
      assertThat(fa.step(StepIndex.of(2)).orElseThrow().counts()).isEqualTo(calls.get(2).counts());
      assertThat(lab.ledger.meterStore().figures(b).run().counts()).isEqualTo(TokenCounts.ZERO);

      Settled report = settle(lab);

      RunOutcome oa = report.of(a);
      RunOutcome ob = report.of(b);
      assertThat(oa.status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(ob.status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(oa.basis()).isEqualTo(Basis.METERED);
      assertThat(oa.audit().label()).isEqualTo(Audit.AUDITED);
      assertThat(ob.audit().label()).isEqualTo(Audit.AUDITED);
      assertThat(oa.audit().api()).isEqualTo(truth);
      assertThat(report.unattributed()).isEmpty();
      // after the audit: still exact, and the second run exactly zero
      assertThat(lab.ledger.meterStore().figures(a).run().counts()).isEqualTo(truth);
      assertThat(lab.ledger.meterStore().figures(b).run().counts()).isEqualTo(TokenCounts.ZERO);
      assertThat(lab.reconciliation(b).figures().get(0).total()).isEqualTo(TokenCounts.ZERO);
      assertThat(lab.reconciliation(a).figuresFrom().audit()).isEqualTo(Audit.AUDITED);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aCallStraightToTheUpstreamIsFlaggedUnmeteredOnTheRunsOfItsMinutes(Backend backend) {
    try (SimLab lab = lab(backend, dir);
        LedgerMeterSink sink = sink(lab, dir)) {
      String a = meteredRun(lab, "chatdev", T0.plusSeconds(2), T0.plusSeconds(40));
      String b = meteredRun(lab, "chatdev", T0.plusSeconds(42), T0.plusSeconds(58));
      TokenCounts meteredCall = lab.chat("chatdev", T0.plusSeconds(10));
      sink.record(metered(a, null, lab, lab.calls.get(0)));
      // the child calls the upstream directly, around the meter, in run B's window
      TokenCounts around = lab.chat("chatdev", T0.plusSeconds(50));
      sink.flush();

      Settled report = settle(lab);

      for (String run : List.of(a, b)) {
        RunOutcome o = report.of(run);
        assertThat(o.status()).as(run).isEqualTo(ReconcileStatus.FINAL);
        assertThat(o.audit().label()).as(run).isEqualTo(Audit.UNMETERED);
        assertThat(o.audit().unmetered()).as(run).isEqualTo(around);
        assertThat(o.audit().api()).as(run).isEqualTo(meteredCall.plus(around));
      }
      // the metered figures stay; the Usage API's is the upper bound
      assertThat(lab.ledger.meterStore().figures(a).run().counts()).isEqualTo(meteredCall);
      assertThat(lab.ledger.meterStore().figures(b).run().counts()).isEqualTo(TokenCounts.ZERO);
      assertThat(lab.reconciliation(b).figures().get(0).upperBound()).isEqualTo(around);
      // and the key's usage around the meter is reported as such
      assertThat(report.unattributed())
          .singleElement()
          .satisfies(u -> assertThat(u.counts()).isEqualTo(around));
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void anUnmeteredRunSharingTheMinuteGetsExactlyWhatTheMeterDidNotCount(Backend backend) {
    try (SimLab lab = lab(backend, dir);
        LedgerMeterSink sink = sink(lab, dir)) {
      String metered = meteredRun(lab, "chatdev", T0.plusSeconds(2), T0.plusSeconds(30));
      String plain = lab.run("chatdev", T0.plusSeconds(31), T0.plusSeconds(58));
      TokenCounts mine = lab.chat("chatdev", T0.plusSeconds(10));
      TokenCounts theirs = lab.chat("chatdev", T0.plusSeconds(45));
      sink.record(metered(metered, null, lab, lab.calls.get(0)));
      sink.flush();

      Settled report = settle(lab);

      assertThat(report.of(metered).audit().label()).isEqualTo(Audit.AUDITED);
      assertThat(report.of(plain).figures()).isEqualTo(theirs);
      assertThat(report.of(plain).shared()).isFalse();
      assertThat(lab.ledger.meterStore().figures(metered).run().counts()).isEqualTo(mine);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aUsageApiBelowTheMeterAfterSettlingIsAWarningWithTheDelta(Backend backend) {
    try (SimLab lab = lab(backend, dir);
        LedgerMeterSink sink = sink(lab, dir)) {
      String a = meteredRun(lab, "chatdev", T0.plusSeconds(2), T0.plusSeconds(40));
      TokenCounts served = lab.chat("chatdev", T0.plusSeconds(10));
      sink.record(metered(a, null, lab, lab.calls.get(0)));
      // a response that claimed usage the Usage API never files
      SimLab.Call phantom =
          new SimLab.Call(
              "chatdev", T0.plusSeconds(20), lab.calls.get(0).model(), new TokenCounts(5, 0, 7, 1));
      sink.record(metered(a, null, lab, phantom));
      sink.flush();

      RunOutcome o = settle(lab).of(a);

      assertThat(o.status()).isEqualTo(ReconcileStatus.WARNING);
      assertThat(o.audit().label()).isEqualTo(Audit.API_BELOW);
      assertThat(o.assessment().warning().kind())
          .isEqualTo(ReconcileWarning.Kind.API_BELOW_METERED);
      assertThat(o.assessment().warning().delta().output()).isEqualTo(-7);
      assertThat(o.assessment().figures()).isEqualTo(served);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRunWhoseMeterFailedFallsBackToTheUsageApiAlone(Backend backend) {
    try (SimLab lab = lab(backend, dir);
        LedgerMeterSink sink = sink(lab, dir)) {
      String a =
          lab.runWithSteps(
              "chatdev",
              T0.plusSeconds(2),
              T0.plusSeconds(50),
              List.of(new StepSpec(1, "one", T0.plusSeconds(2), T0.plusSeconds(50), 0)));
      lab.ledger.meterStore().markMetered(a);
      TokenCounts first = lab.chat("chatdev", T0.plusSeconds(10));
      sink.record(metered(a, 1, lab, lab.calls.get(0)));
      sink.flush();
      lab.ledger.meterStore().markMeterFailed(a, "the proxy stopped: test");
      TokenCounts second = lab.chat("chatdev", T0.plusSeconds(30));

      RunOutcome o = settle(lab).of(a);

      assertThat(o.status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(o.basis()).isEqualTo(Basis.EXACT);
      assertThat(o.audit()).isNull();
      assertThat(o.figures()).isEqualTo(first.plus(second));
      assertThat(lab.ledger.run(a).metered()).isFalse();
    }
  }
}
