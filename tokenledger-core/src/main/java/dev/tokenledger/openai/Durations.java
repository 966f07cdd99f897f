package dev.tokenledger.openai;

import java.time.Duration;
import java.util.Locale;

/** Durations written for people: {@code 250 ms}, {@code 1.5 s}, {@code 3 min}. */
final class Durations {
  private Durations() {}

  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return (ms % 1000 == 0
              ? Long.toString(ms / 1000)
              : String.format(Locale.ROOT, "%.1f", ms / 1000.0))
          + " s";
    }
    long s = d.getSeconds();
    if (s % 3600 == 0) {
      return s / 3600 + " h";
    }
    if (s % 60 == 0) {
      return s / 60 + " min";
    }
    return s + " s";
  }
}
