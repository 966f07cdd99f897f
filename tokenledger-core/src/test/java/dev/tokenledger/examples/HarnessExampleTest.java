package dev.tokenledger.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.RecordingStatus;
import dev.tokenledger.ledger.RunQuery;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.StepRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's harness example runs and records what it says. */
class HarnessExampleTest {
  @TempDir Path dir;

  @Test
  void theExampleRecordsOneRunWithTwoEndedSteps() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      HarnessExample.main(new String[] {dir.toString()});
    } finally {
      System.setOut(original);
    }

    try (Ledger ledger = Ledger.open(LedgerLocation.resolve(null, dir))) {
      List<RunRecord> runs = ledger.runs(RunQuery.all());
      assertThat(runs)
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.experiment()).isEqualTo("crud-app");
                assertThat(r.status()).isEqualTo(RecordingStatus.ENDED);
                assertThat(r.keyFingerprint()).hasSize(64);
              });
      assertThat(ledger.steps(runs.get(0).id()))
          .extracting(StepRecord::name)
          .containsExactly("create entity", "add relation");
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .isEqualTo(runs.get(0).id() + " chatdev ended 2 steps\n");
    }
  }
}
