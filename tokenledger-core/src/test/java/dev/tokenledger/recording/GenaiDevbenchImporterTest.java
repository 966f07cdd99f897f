package dev.tokenledger.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.ledger.Backend;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.StepRecord;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GenaiDevbenchImporterTest {
  private static final String A = "11111111-0000-4000-8000-00000000000a";
  private static final String B = "22222222-0000-4000-8000-00000000000b";
  private static final String C = "33333333-0000-4000-8000-00000000000c";
  private static final String H = "88888888-0000-4000-8000-000000000008";

  @TempDir Path dir;
  private Ledger ledger;

  @AfterEach
  void close() {
    if (ledger != null) {
      ledger.close();
    }
  }

  static Path fixture(String name) {
    try {
      return Path.of(
          Objects.requireNonNull(
                  GenaiDevbenchImporterTest.class.getResource("/genai-devbench/" + name))
              .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private GenaiDevbenchImporter importer(Backend backend) {
    ledger = Ledger.open(backend.newLocation(dir));
    return new GenaiDevbenchImporter(ledger, Map.of("chatdev", "key_chatdev"));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void importingAFixtureTreeTwiceAddsNothingTheSecondTime(Backend backend) {
    GenaiDevbenchImporter importer = importer(backend);

    ImportReport first = importer.importFrom(fixture("current"), null);
    ImportReport second = importer.importFrom(fixture("current"), null);

    assertThat(first.runsAdded()).isEqualTo(3);
    assertThat(first.stepsAdded()).isEqualTo(4);
    assertThat(second.runsAdded()).isZero();
    assertThat(second.runsAlreadyPresent()).isEqualTo(3);
    assertThat(second.stepsAdded()).isZero();
    assertThat(second.runIds()).containsExactlyElementsOf(first.runIds());
    assertThat(ledger.runs(RunQuery.all())).hasSize(3);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void importingAgainWithAKeyIdGivesItToRunsRecordedWithoutOneAndChangesNoOther(Backend backend) {
    ledger = Ledger.open(backend.newLocation(dir));
    ImportReport withoutIds =
        new GenaiDevbenchImporter(ledger, Map.of()).importFrom(fixture("current"), null);
    assertThat(ledger.runs(RunQuery.all())).allMatch(r -> r.apiKeyId() == null);

    ImportReport withIds =
        new GenaiDevbenchImporter(ledger, Map.of("chatdev", "key_chatdev", "baes", "key_baes"))
            .importFrom(fixture("current"), null);
    ImportReport changedId =
        new GenaiDevbenchImporter(ledger, Map.of("chatdev", "key_other"))
            .importFrom(fixture("current"), null);

    assertThat(withoutIds.keyIdsAdded()).isZero();
    assertThat(withIds.runsAdded()).isZero();
    List<String> keyIds = new ArrayList<>();
    for (RunRecord r : ledger.runs(RunQuery.all())) {
      keyIds.add(r.framework() + "=" + r.apiKeyId());
    }
    assertThat(withIds.keyIdsAdded())
        .isEqualTo((int) keyIds.stream().filter(k -> !k.endsWith("=null")).count())
        .isPositive();
    assertThat(keyIds).contains("chatdev=key_chatdev").doesNotContain("chatdev=key_other");
    assertThat(changedId.keyIdsAdded()).as("a recorded key id is never replaced").isZero();
    assertThat(changedId.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("is recorded with key id key_chatdev, not key_other")
                    .contains("the recorded one is kept"));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void stepsGiveTheWindowsAndRunLevelTimesAreTheFallback(Backend backend) {
    importer(backend).importFrom(fixture("current"), null);

    RunRecord a = byExternalId(A);
    assertThat(a.framework()).isEqualTo("chatdev");
    assertThat(a.experiment()).isEqualTo("current");
    assertThat(a.apiKeyId()).isEqualTo("key_chatdev");
    assertThat(a.modelHint()).isEqualTo("gpt-4o-mini");
    assertThat(a.startedAt()).isEqualTo(Instant.parse("2025-10-27T10:00:00.250Z"));
    assertThat(a.endedAt()).isEqualTo(Instant.parse("2025-10-27T10:03:00.500Z"));
    assertThat(a.status()).isEqualTo(RecordingStatus.ENDED);
    assertThat(a.sourcePath()).endsWith("chatdev/" + A + "/metrics.json");
    assertThat(ledger.steps(a.id()))
        .extracting(StepRecord::index, StepRecord::startedAt, StepRecord::endedAt)
        .containsExactly(
            tuple(1, Instant.ofEpochSecond(1761559201), Instant.ofEpochSecond(1761559301)),
            tuple(2, Instant.ofEpochSecond(1761559305), Instant.ofEpochSecond(1761559375)));

    // Not in the manifest, no run-level times: the steps make the run's window.
    RunRecord b = byExternalId(B);
    assertThat(b.framework()).isEqualTo("baes");
    assertThat(b.apiKeyId()).isNull();
    assertThat(b.startedAt()).isEqualTo(Instant.ofEpochSecond(1761559320));
    assertThat(b.endedAt()).isEqualTo(Instant.ofEpochSecond(1761559380));
    assertThat(ledger.steps(b.id())).extracting(StepRecord::exitCode).containsExactly(0, 1);

    // Steps without timestamps: the run-level pair, and no steps.
    RunRecord c = byExternalId(C);
    assertThat(c.startedAt()).isEqualTo(Instant.parse("2025-10-27T11:00:00Z"));
    assertThat(c.endedAt()).isEqualTo(Instant.parse("2025-10-27T11:20:00Z"));
    assertThat(ledger.steps(c.id())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void brokenRunsAndRunsWithoutTimesAreReportedNotGuessed(Backend backend) {
    ImportReport report = importer(backend).importFrom(fixture("current"), null);

    assertThat(report.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("55555555-0000-4000-8000-00000000000e/metrics.json")
                    .contains("not readable as JSON"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("77777777-0000-4000-8000-000000000007")
                    .contains("no step timestamps and no run-level start_timestamp"))
        .anySatisfy(p -> assertThat(p).contains(C).contains("steps [1, 2] have no usable"));
    assertThat(report.problems()).hasSize(3);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void olderRecordsWithFractionalTimestampsAndTheOldManifestNameImport(Backend backend) {
    ImportReport report = importer(backend).importFrom(fixture("older").resolve("runs"), "legacy");

    assertThat(report.runsAdded()).isEqualTo(1);
    assertThat(report.problems()).isEmpty();
    RunRecord h = byExternalId(H);
    assertThat(h.experiment()).isEqualTo("legacy");
    assertThat(h.startedAt()).isEqualTo(Instant.parse("2025-09-01T08:00:00Z"));
    assertThat(h.endedAt()).isEqualTo(Instant.parse("2025-09-01T08:05:00Z"));
    assertThat(ledger.steps(h.id()))
        .extracting(StepRecord::startedAt, StepRecord::endedAt)
        .containsExactly(
            tuple(
                Instant.parse("2025-09-01T08:00:00.125Z"), Instant.parse("2025-09-01T08:01:40.5Z")),
            tuple(Instant.parse("2025-09-01T08:01:50Z"), Instant.parse("2025-09-01T08:03:10.75Z")));
  }

  @Test
  void aFolderWithoutRunsIsAConfigurationErrorThatSaysWhatToGive() {
    GenaiDevbenchImporter importer = importer(Backend.SQLITE);

    assertThatThrownBy(() -> importer.importFrom(dir, null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no genai-devbench runs in " + dir)
        .hasMessageContaining("give the experiment folder");
  }

  private RunRecord byExternalId(String externalId) {
    List<RunRecord> runs =
        ledger.runs(RunQuery.all()).stream()
            .filter(r -> externalId.equals(r.externalId()))
            .toList();
    assertThat(runs).hasSize(1);
    return runs.get(0);
  }
}
