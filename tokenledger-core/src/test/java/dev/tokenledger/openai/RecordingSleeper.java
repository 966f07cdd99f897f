package dev.tokenledger.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A sleeper that never sleeps: it records each wait and moves the fake clock on by it. */
final class RecordingSleeper implements Sleeper {
  private final FakeClock clock;
  private final List<Duration> waits = new ArrayList<>();

  RecordingSleeper(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void sleep(Duration duration) {
    waits.add(duration);
    clock.advance(duration);
  }

  synchronized List<Duration> waits() {
    return List.copyOf(waits);
  }
}
