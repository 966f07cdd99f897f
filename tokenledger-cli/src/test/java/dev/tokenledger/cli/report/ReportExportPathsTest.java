package dev.tokenledger.cli.report;

import static dev.tokenledger.cli.report.ReportLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.ledger.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report --export genai-devbench DIR} writes only inside {@code DIR/runs/}, judged on the
 * real path: a run id or framework with {@code ../} (recorded by an older version, or through the
 * Java API) and a run folder that is a link out of the tree are reported and left alone.
 */
class ReportExportPathsTest {
  static final String ORIGINAL = "{\"run_id\": \"x\", \"aggregate_metrics\": {}}";

  @TempDir Path dir;

  static void record(ReportLab lab, String framework, String externalId) {
    lab.ledger.recordFinishedRun(
        RunSpec.builder(framework)
            .experiment("e")
            .apiKeyId("key_x")
            .source(RunSpec.SOURCE_GENAI_DEVBENCH)
            .externalId(externalId)
            .startedAt(T0)
            .endedAt(T0.plusSeconds(60))
            .build(),
        List.of());
  }

  CliHarness.Result export(ReportLab lab, Path experiment) {
    return new CliHarness(dir)
        .clock(lab.clock)
        .run(
            "report",
            "--db",
            lab.db.toString(),
            "--export",
            "genai-devbench",
            experiment.toString());
  }

  @Test
  void nothingOutsideTheRunsFolderIsEverWritten() throws IOException {
    Path experiment = Files.createDirectories(dir.resolve("exp/runs/chatdev"));
    Path runs = experiment.getParent();
    // ../../victim/metrics.json from runs/chatdev/<id>/ is dir/exp/victim/metrics.json
    Path victim = Files.createDirectories(dir.resolve("exp/victim"));
    Files.writeString(victim.resolve("metrics.json"), ORIGINAL);
    Path linked = Files.createDirectories(dir.resolve("elsewhere/r9"));
    Files.writeString(linked.resolve("metrics.json"), ORIGINAL);
    Files.createSymbolicLink(runs.resolve("chatdev/r9"), linked);
    Path good = Files.createDirectories(runs.resolve("chatdev/r1"));
    Files.writeString(good.resolve("metrics.json"), ORIGINAL);

    CliHarness.Result r;
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      record(lab, "chatdev", "../../victim");
      record(lab, "chatdev", "r9");
      record(lab, "chatdev", "r1");
      r = export(lab, runs.getParent());
    }

    assertThat(Files.readString(victim.resolve("metrics.json"))).isEqualTo(ORIGINAL);
    assertThat(Files.readString(linked.resolve("metrics.json"))).isEqualTo(ORIGINAL);
    assertThat(Files.readString(good.resolve("metrics.json"))).contains("verification_status");
    assertThat(r.err())
        .contains("../../victim")
        .contains("not a plain folder name")
        .contains("outside");
    assertThat(r.exitCode()).isEqualTo(ExitCode.CONFIG);
  }
}
