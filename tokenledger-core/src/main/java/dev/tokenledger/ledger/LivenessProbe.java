package dev.tokenledger.ledger;

import java.time.Duration;
import java.time.Instant;

/** Tells whether a writer process on this host is still running. */
@FunctionalInterface
interface LivenessProbe {

  /** Whether {@code process} (on this host) is alive. */
  boolean isAlive(ProcessIdentity process);

  /**
   * The operating system's view: the pid is alive and started when the writer did. This process is
   * alive without asking: a command that reads back what it wrote asks about itself.
   */
  static LivenessProbe system() {
    return process -> {
      ProcessIdentity me = ProcessIdentity.current();
      if (process.pid() == me.pid()) {
        return sameStart(me.startedAt(), process.startedAt());
      }
      return ProcessHandle.of(process.pid())
          .filter(ProcessHandle::isAlive)
          .map(h -> sameStart(h.info().startInstant().orElse(null), process.startedAt()))
          .orElse(false);
    };
  }

  private static boolean sameStart(Instant actual, Instant recorded) {
    if (actual == null || recorded == null) {
      return true;
    }
    return Duration.between(actual, recorded).abs().compareTo(Duration.ofSeconds(2)) <= 0;
  }
}
