package dev.tokenledger.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * genai-devbench records are files anyone may have edited: names that leave the tree, files that
 * cannot be read, and windows no run can have are import problems, and the run is not imported.
 */
class GenaiDevbenchUntrustedInputTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final String GOOD = "11111111-0000-4000-8000-00000000000a";
  static final long T = Instant.parse("2026-02-27T10:00:00Z").getEpochSecond();

  @TempDir Path dir;
  Path experiment;
  Path runs;
  Ledger ledger;

  @BeforeEach
  void open() throws IOException {
    experiment = Files.createDirectories(dir.resolve("exp"));
    runs = Files.createDirectories(experiment.resolve("runs"));
    ledger =
        Ledger.builder(LedgerLocation.sqlite(dir.resolve("ledger.db")))
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .open();
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  ImportReport importAll() {
    return new GenaiDevbenchImporter(ledger, Map.of("chatdev", "key_chatdev"))
        .importFrom(experiment, "e");
  }

  static String metrics(String runId, long start, long end) {
    return "{\"run_id\": \""
        + runId
        + "\", \"steps\": [{\"step\": 1, \"start_timestamp\": "
        + start
        + ", \"end_timestamp\": "
        + end
        + ", \"success\": true}]}";
  }

  Path run(String framework, String runId, String metricsJson) throws IOException {
    Path folder = Files.createDirectories(runs.resolve(framework).resolve(runId));
    if (metricsJson != null) {
      Files.writeString(folder.resolve("metrics.json"), metricsJson);
    }
    return folder;
  }

  void manifest(String... entries) throws IOException {
    Files.writeString(
        runs.resolve("manifest.json"), "{\"runs\": [" + String.join(",", entries) + "]}");
  }

  static String entry(String runId, String framework, String path) {
    return "{\"run_id\": \""
        + runId
        + "\", \"framework\": \""
        + framework
        + "\""
        + (path == null ? "" : ", \"path\": \"" + path + "\"")
        + ", \"start_time\": \"2026-02-27T10:00:00Z\", \"end_time\": \"2026-02-27T10:05:00Z\"}";
  }

  @Test
  void namesAndPathsThatLeaveTheTreeAreRefused() throws IOException {
    run("chatdev", GOOD, metrics(GOOD, T, T + 60));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("metrics.json"), metrics("x", T, T + 60));
    manifest(
        entry(GOOD, "chatdev", "chatdev/" + GOOD),
        entry("../../outside", "chatdev", null),
        entry("r2", "../..", null),
        entry("r3", "chatdev", "../../outside"),
        entry("r4", "chatdev", outside.toString()),
        entry("r5", "chatdev", "chatdev/../../../outside"));

    ImportReport report = importAll();

    assertThat(report.runsAdded()).isEqualTo(1);
    assertThat(report.runsNotImported()).isEqualTo(5);
    assertThat(report.problems())
        .hasSize(5)
        .allSatisfy(p -> assertThat(p).contains("not imported"));
    assertThat(ledger.runs(RunQuery.all())).extracting(RunRecord::externalId).containsExactly(GOOD);
  }

  @Test
  void aRunFolderThatIsASymlinkOutOfTheTreeIsRefused() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("elsewhere/r9"));
    Files.writeString(outside.resolve("metrics.json"), metrics("r9", T, T + 60));
    Files.createDirectories(runs.resolve("chatdev"));
    Files.createSymbolicLink(runs.resolve("chatdev/r9"), outside);

    ImportReport report = importAll();

    assertThat(report.runsAdded()).isZero();
    assertThat(report.runsNotImported()).isEqualTo(1);
    assertThat(report.problems()).singleElement().asString().contains("outside");
  }

  @Test
  void aSelfLoopingOrUnreadableMetricsFileIsAProblem() throws IOException {
    Path loop = run("chatdev", "loop", null);
    Files.createSymbolicLink(loop.resolve("metrics.json"), loop.resolve("metrics.json"));
    Path dangling = run("chatdev", "dangling", null);
    Files.createSymbolicLink(dangling.resolve("metrics.json"), dir.resolve("gone.json"));
    Path folder = run("chatdev", "folder", null);
    Files.createDirectories(folder.resolve("metrics.json"));
    run("chatdev", GOOD, metrics(GOOD, T, T + 60));

    ImportReport report = importAll();

    assertThat(report.runsAdded()).isEqualTo(1);
    assertThat(report.runsNotImported()).isEqualTo(3);
    assertThat(report.problems())
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("loop").contains("cannot be read"))
        .anySatisfy(p -> assertThat(p).contains("dangling").contains("cannot be read"))
        .anySatisfy(p -> assertThat(p).contains("folder").contains("not a file"));
  }

  @Test
  void windowsNoRunCanHaveAreRefused() throws IOException {
    run("chatdev", "epoch-minus", metrics("epoch-minus", -5, 10));
    run("chatdev", "epoch-one", metrics("epoch-one", 1, 30));
    run("chatdev", "before-2020", metrics("before-2020", 1_500_000_000L, 1_500_000_060L));
    long future = NOW.plusSeconds(2 * 86_400).getEpochSecond();
    run("chatdev", "future", metrics("future", future, future + 60));
    run("chatdev", "too-long", metrics("too-long", T - 40L * 86_400, T));
    long soon = NOW.plusSeconds(3600).getEpochSecond(); // clocks differ: within a day is fine
    run("chatdev", "soon", metrics("soon", soon, soon + 60));
    run("chatdev", GOOD, metrics(GOOD, T, T + 60));

    ImportReport report = importAll();

    assertThat(report.runsAdded()).isEqualTo(2);
    assertThat(report.runsNotImported()).isEqualTo(5);
    assertThat(report.problems())
        .hasSize(5)
        .anySatisfy(p -> assertThat(p).contains("epoch-minus").contains("before 2020-01-01"))
        .anySatisfy(p -> assertThat(p).contains("epoch-one").contains("before 2020-01-01"))
        .anySatisfy(p -> assertThat(p).contains("before-2020").contains("before 2020-01-01"))
        .anySatisfy(p -> assertThat(p).contains("future").contains("more than a day from now"))
        .anySatisfy(p -> assertThat(p).contains("too-long").contains("longer than 31 days"));
  }
}
