package dev.tokenledger.metering;

/** What a metered request's response said about its usage. */
public enum UsageState {
  /** The response carried {@code usage}; the counters are exact. */
  REPORTED("reported"),
  /** The response carries no usage by its nature (an error, a model list, an unknown endpoint). */
  NONE("none"),
  /**
   * A stream ended (client gone, upstream reset) before its usage came: usage unknown, not zero.
   */
  INTERRUPTED("interrupted"),
  /**
   * Usage could not be asked for (an OpenAI-compatible upstream refused {@code stream_options}, so
   * the request was sent again exactly as the client sent it): usage unknown, not zero.
   */
  UNKNOWN("unknown");

  private final String label;

  UsageState(String label) {
    this.label = label;
  }

  /** The lower-case name stored in the ledger and shown in reports. */
  public String label() {
    return label;
  }

  /** The state named {@code label}. */
  public static UsageState of(String label) {
    for (UsageState s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown usage state '" + label + "': expected reported, none, interrupted or unknown");
  }

  /** Whether the request may have used tokens that nobody counted. */
  public boolean usageUnknown() {
    return this == INTERRUPTED || this == UNKNOWN;
  }
}
