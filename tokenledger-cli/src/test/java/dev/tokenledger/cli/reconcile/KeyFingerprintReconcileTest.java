package dev.tokenledger.cli.reconcile;

import static dev.tokenledger.cli.reconcile.ReconcileAcceptanceTest.outcome;
import static dev.tokenledger.cli.reconcile.SimLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.config.VariableOrigin;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.keys.FingerprintResolver;
import dev.tokenledger.ledger.Backend;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.QuickSettling;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.sim.ReportingDelay;
import dev.tokenledger.sim.SimKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12 item 17: a run recorded without its key id keeps the key's salted fingerprint, and
 * reconcile resolves it (through the Projects API when the framework key is at hand, or from what
 * the ledger resolved before) instead of saying "no key id" forever.
 */
class KeyFingerprintReconcileTest {
  @TempDir Path dir;

  private static FrameworkKey chatdev(SimKey key, Optional<String> id) {
    return new FrameworkKey(
        "chatdev", key.apiKey(), id, "OPENAI_API_KEY_CHATDEV", VariableOrigin.ENVIRONMENT);
  }

  private static Reconciler reconciler(SimLab lab, List<FrameworkKey> keys, List<String> warnings) {
    return Reconciler.builder(lab.ledger, lab.client())
        .settings(QuickSettling.SETTINGS)
        .clock(lab.clock)
        .fingerprints(new FingerprintResolver(lab.ledger, keys, lab.client(), warnings::add))
        .build();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRunWithOnlyAFingerprintIsResolvedThroughTheProjectsApiAndRead(Backend backend) {
    try (SimLab lab =
        new SimLab(backend.newLocation(dir), ReportingDelay.fixed(Duration.ofMinutes(2)))) {
      SimKey key = lab.key("chatdev");
      String fp = lab.ledger.keyFingerprint(key.apiKey());
      String run =
          lab.ledger
              .recordFinishedRun(
                  RunSpec.builder("chatdev")
                      .keyFingerprint(fp)
                      .startedAt(T0)
                      .endedAt(T0.plusSeconds(50))
                      .build(),
                  List.of())
              .runId();
      TokenCounts used = lab.chat("chatdev", T0.plusSeconds(20));
      lab.clock.set(T0.plus(Duration.ofMinutes(15)));
      List<String> warnings = new ArrayList<>();

      // without the framework key in the environment: not read, and it says how to fix it
      PassReport blind = reconciler(lab, List.of(), warnings).pass(PassRequest.notFinal());
      assertThat(outcome(blind, run).read()).isFalse();
      assertThat(outcome(blind, run).note())
          .contains("fingerprint was not resolved")
          .contains("OPENAI_API_KEY_CHATDEV_ID");

      // with it: resolved through the Projects API, stored, and read
      Reconciler resolving = reconciler(lab, List.of(chatdev(key, Optional.empty())), warnings);
      PassReport last =
          resolving.watch(PassRequest.notFinal(), Duration.ofHours(2), lab.clock::advance, r -> {});

      assertThat(lab.ledger.run(run).apiKeyId()).isEqualTo(key.id());
      assertThat(lab.ledger.meterStore().keyIds()).containsEntry(fp, key.id());
      assertThat(outcome(last, run).status()).isEqualTo(ReconcileStatus.FINAL);
      assertThat(outcome(last, run).figures()).isEqualTo(used);
      assertThat(warnings).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aFingerprintResolvedOnceGivesItsIdToLaterRunsWithoutTheKey(Backend backend) {
    try (SimLab lab =
        new SimLab(backend.newLocation(dir), ReportingDelay.fixed(Duration.ofMinutes(2)))) {
      SimKey key = lab.key("chatdev");
      String fp = lab.ledger.keyFingerprint(key.apiKey());
      lab.ledger.meterStore().resolveKey(fp, key.id());
      String run =
          lab.ledger
              .recordFinishedRun(
                  RunSpec.builder("chatdev")
                      .keyFingerprint(fp)
                      .startedAt(T0)
                      .endedAt(T0.plusSeconds(50))
                      .build(),
                  List.of())
              .runId();
      TokenCounts used = lab.chat("chatdev", T0.plusSeconds(20));
      lab.clock.set(T0.plus(Duration.ofMinutes(15)));

      PassReport last =
          reconciler(lab, List.of(), new ArrayList<>())
              .watch(PassRequest.notFinal(), Duration.ofHours(2), lab.clock::advance, r -> {});

      assertThat(outcome(last, run).figures()).isEqualTo(used);
      assertThat(lab.ledger.run(run).apiKeyId()).isEqualTo(key.id());
    }
  }
}
