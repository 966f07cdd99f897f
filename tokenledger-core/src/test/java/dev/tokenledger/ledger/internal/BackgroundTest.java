package dev.tokenledger.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Work beside the calling thread: its failure comes back as it was, and a wait outlasts it. */
class BackgroundTest {
  @Test
  void aResultOrAFailureComesBackAsItWas() throws Exception {
    assertThat(Background.result(Background.start("t", () -> 42))).isEqualTo(42);
    IllegalStateException runtime = new IllegalStateException("broken");
    for (Throwable thrown :
        List.of(new SQLException("refused"), runtime, new StackOverflowError())) {
      assertThatThrownBy(() -> Background.result(Background.start("t", failingWith(thrown))))
          .isSameAs(thrown);
    }
    Future<Object> failed = Background.start("t", failingWith(runtime));
    Background.awaitEnd(failed);
    assertThat(Background.failure(failed)).containsSame(runtime);
    assertThat(Background.failure(Background.start("t", () -> 1))).isEmpty();
  }

  private static Callable<Object> failingWith(Throwable thrown) {
    return () -> {
      if (thrown instanceof Error e) {
        throw e;
      }
      throw (Exception) thrown;
    };
  }

  @Test
  void anInterruptedCallerStillWaitsForTheWorkToEndAndKeepsItsInterrupt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<String> work =
        Background.start(
            "t",
            () -> {
              release.await();
              return "done";
            });
    // the work ends only once the interrupted caller waits for its end, past the interrupt: a
    // work that ended first would give its result, interrupt or not
    Thread caller = Thread.currentThread();
    Thread releaser =
        new Thread(
            () -> {
              while (!waitingForTheEnd(caller)) {
                Thread.onSpinWait();
              }
              release.countDown();
            });
    caller.interrupt();
    releaser.start();
    try {
      assertThatThrownBy(() -> Background.result(work))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("interrupted");
      assertThat(work.isDone()).isTrue();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
      releaser.join();
    }
  }

  private static boolean waitingForTheEnd(Thread caller) {
    if (caller.getState() != Thread.State.WAITING) {
      return false;
    }
    for (StackTraceElement frame : caller.getStackTrace()) {
      if (frame.getClassName().equals(Background.class.getName())
          && frame.getMethodName().equals("awaitEnd")) {
        return true;
      }
    }
    return false;
  }
}
