package dev.tokenledger.openai;

import java.nio.charset.StandardCharsets;

/**
 * The result objects of one bucket exactly as the API returned them, for the ledger to keep as
 * evidence ({@code usage_buckets.raw_json}). Held as offsets into the page, made into text only
 * when asked: parsing never needs them. Not part of a bucket's value: any two are equal.
 */
final class RawResults {
  static final RawResults NONE = new RawResults(null, new int[0]);

  private final byte[] page;
  private final int[] spans;

  /** {@code spans} holds a start and an end offset into {@code page} per result. */
  RawResults(byte[] page, int[] spans) {
    this.page = page;
    this.spans = spans;
  }

  /** The JSON text of result {@code i}, or null when it was not kept. */
  public String text(int i) {
    if (page == null || i < 0 || 2 * i + 1 >= spans.length) {
      return null;
    }
    return new String(page, spans[2 * i], spans[2 * i + 1] - spans[2 * i], StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawResults;
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return "RawResults[" + spans.length / 2 + "]";
  }
}
