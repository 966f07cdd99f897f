package dev.tokenledger.openai;

/** The counter check shared by the result records. */
final class Counters {
  private Counters() {}

  /** Called once a bitwise OR of the counters turned out negative: names the culprit. */
  static void rejectNegative(String what, long... counters) {
    for (long c : counters) {
      if (c < 0) {
        throw new IllegalArgumentException(what + " counters cannot be negative, found " + c);
      }
    }
  }
}
