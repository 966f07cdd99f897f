package dev.tokenledger.cli.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A serving command that fails on its own closes what it serves, in order, and says why. */
class ServingTest {
  @Test
  void aFailureEndsTheWaitClosesEveryResourceInOrderAndGivesItsReason() throws Exception {
    List<String> closed = new ArrayList<>();
    Serving serving =
        Serving.start(
            "test",
            () -> {
              closed.add("meter");
              throw new IllegalStateException("closing failed");
            },
            () -> closed.add("ledger"));

    Optional<String> reason =
        serving.awaitStopOr(CompletableFuture.completedFuture("socket closed"));

    assertThat(reason).contains("socket closed");
    assertThat(closed).containsExactly("meter", "ledger");
  }
}
