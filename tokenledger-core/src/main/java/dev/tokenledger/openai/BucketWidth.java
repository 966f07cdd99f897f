package dev.tokenledger.openai;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The width of a usage time bucket ({@code bucket_width}), with the API's default and maximum
 * {@code limit} (in buckets) and alignment of instants to UTC bucket boundaries.
 */
public enum BucketWidth {
  MINUTE("1m", Duration.ofMinutes(1), 60, 1440),
  HOUR("1h", Duration.ofHours(1), 24, 168),
  DAY("1d", Duration.ofDays(1), 7, 31);

  private final String wire;
  private final Duration duration;
  private final long seconds;
  private final int defaultLimit;
  private final int maxLimit;

  BucketWidth(String wire, Duration duration, int defaultLimit, int maxLimit) {
    this.wire = wire;
    this.duration = duration;
    this.seconds = duration.getSeconds();
    this.defaultLimit = defaultLimit;
    this.maxLimit = maxLimit;
  }

  /** The API's spelling: {@code 1m}, {@code 1h} or {@code 1d}. */
  public String wire() {
    return wire;
  }

  /** The length of one bucket. */
  public Duration duration() {
    return duration;
  }

  /** The number of buckets the API returns per page when {@code limit} is not sent. */
  public int defaultLimit() {
    return defaultLimit;
  }

  /** The largest {@code limit} the API accepts for this width. */
  public int maxLimit() {
    return maxLimit;
  }

  /** The start of the UTC bucket holding {@code t}. */
  public Instant floor(Instant t) {
    return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), seconds) * seconds);
  }

  /** {@code t} itself when it is a bucket boundary, otherwise the end of the bucket holding it. */
  public Instant ceil(Instant t) {
    Instant f = floor(t);
    return f.equals(t) ? t : f.plus(duration);
  }

  /** Whether {@code t} is a UTC boundary of this width. */
  public boolean isAligned(Instant t) {
    return floor(t).equals(t);
  }

  /** How many whole buckets lie in {@code [floor(start), ceil(end))}. */
  public long bucketsBetween(Instant start, Instant end) {
    long s = floor(start).getEpochSecond();
    long e = ceil(end).getEpochSecond();
    return Math.max(0, (e - s) / seconds);
  }

  /** The width spelled {@code 1m}, {@code 1h} or {@code 1d}. */
  public static BucketWidth fromWire(String value) {
    String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    for (BucketWidth w : values()) {
      if (w.wire.equals(v)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "bucket_width '" + value + "' is not valid; use 1m, 1h or 1d");
  }

  @Override
  public String toString() {
    return wire;
  }
}
