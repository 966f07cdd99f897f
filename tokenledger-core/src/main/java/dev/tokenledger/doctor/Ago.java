package dev.tokenledger.doctor;

import java.time.Duration;
import java.time.Instant;

/** "3 minutes ago": how long before now an instant was, for people. */
final class Ago {
  private Ago() {}

  static String describe(Instant then, Instant now) {
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

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
