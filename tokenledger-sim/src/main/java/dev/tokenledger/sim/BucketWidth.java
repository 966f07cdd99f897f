package dev.tokenledger.sim;

/** A usage bucket width with its {@code limit} default and maximum, as the spec gives them. */
enum BucketWidth {
  MINUTE("1m", 60, 60, 1440),
  HOUR("1h", 3600, 24, 168),
  DAY("1d", 86400, 7, 31);

  final String wire;
  final long seconds;
  final int defaultLimit;
  final int maxLimit;

  BucketWidth(String wire, long seconds, int defaultLimit, int maxLimit) {
    this.wire = wire;
    this.seconds = seconds;
    this.defaultLimit = defaultLimit;
    this.maxLimit = maxLimit;
  }

  static BucketWidth parse(String value) {
    if (value == null) {
      return DAY;
    }
    for (BucketWidth w : values()) {
      if (w.wire.equals(value)) {
        return w;
      }
    }
    throw ApiError.badRequest(
        "Invalid value for 'bucket_width': '"
            + value
            + "'. Supported values are: '1m', '1h' and '1d'.",
        "bucket_width");
  }

  /** The UTC-aligned boundary after {@code second}. */
  long nextBoundary(long second) {
    return Math.floorDiv(second, seconds) * seconds + seconds;
  }
}
