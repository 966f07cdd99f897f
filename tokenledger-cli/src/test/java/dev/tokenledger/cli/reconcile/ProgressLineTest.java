package dev.tokenledger.cli.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.openai.UsageEndpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress line shows long passes only, and clears itself before the results. */
class ProgressLineTest {
  private static final QueryWindow WINDOW =
      new QueryWindow(
          Instant.parse("2025-10-27T10:00:00Z"),
          Instant.parse("2025-10-28T10:00:00Z"),
          List.of("key_a"));

  @Test
  void aLongPassRedrawsOneLineAndClearsItBeforeTheResults() {
    StringWriter err = new StringWriter();
    ProgressLine progress = new ProgressLine(new PrintWriter(err, true));

    progress.planned(4, 1_000);
    progress.readStored(1, UsageEndpoint.COMPLETIONS, WINDOW, false);
    progress.readStored(2, UsageEndpoint.EMBEDDINGS, WINDOW, false);
    progress.attributing(1_000);

    assertThat(err.toString())
        .startsWith("\rreconcile: read 1/4 (completions)")
        .contains("\rreconcile: read 2/4 (embeddings)")
        .endsWith("\r")
        .doesNotContain("\n");
  }

  @Test
  void aShortPassPrintsNothing() {
    StringWriter err = new StringWriter();
    ProgressLine progress = new ProgressLine(new PrintWriter(err, true));

    progress.planned(2, 12);
    progress.readStored(1, UsageEndpoint.COMPLETIONS, WINDOW, false);
    progress.attributing(12);

    assertThat(err.toString()).isEmpty();
  }
}
