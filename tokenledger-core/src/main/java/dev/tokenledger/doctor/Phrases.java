package dev.tokenledger.doctor;

import java.time.Duration;
import java.time.Instant;

/** Small phrases for people: "3 minutes ago", "2 projects". */
final class Phrases {
  private Phrases() {}

  /** How long before {@code now} {@code then} was, e.g. "3 minutes ago". */
  static String ago(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    if (d.isNegative() || d.getSeconds() < 60) {
      return "less than a minute ago";
    }
    long minutes = d.toMinutes();
    if (minutes < 60) {
      return plural(minutes, "minute") + " ago";
    }
    long hours = d.toHours();
    if (hours < 48) {
      return plural(hours, "hour") + " ago";
    }
    return plural(d.toDays(), "day") + " ago";
  }

  /** {@code 1 project}, {@code 2 projects}. */
  static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
