package dev.tokenledger.openai;

/** Checks and lookups shared by the result records. */
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

  static Object modelDimension(
      Dimension d, String projectId, String userId, String apiKeyId, String model) {
    return switch (d) {
      case PROJECT_ID -> projectId;
      case USER_ID -> userId;
      case API_KEY_ID -> apiKeyId;
      case MODEL -> model;
      default -> null;
    };
  }
}
