package dev.tokenledger.openai;

import java.time.Instant;

/** Checks shared by the query builders. */
final class Windows {
  private Windows() {}

  static void check(Instant start, Instant end) {
    if (start == null) {
      throw new IllegalArgumentException("start is required: the inclusive start of the window");
    }
    if (end == null) {
      throw new IllegalArgumentException("end is required: the exclusive end of the window");
    }
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException(
          "end ("
              + end
              + ") must be after start ("
              + start
              + "): the window [start, end) is empty");
    }
  }
}
