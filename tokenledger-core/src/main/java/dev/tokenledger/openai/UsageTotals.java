package dev.tokenledger.openai;

import dev.tokenledger.TokenCounts;

/**
 * Summed usage of one group: tokens and model requests, and the counters of the endpoints that do
 * not count tokens. {@code usageBytes} is a sum of per-bucket storage figures (byte-buckets), not a
 * size; {@code rows} is how many result rows were added.
 */
public record UsageTotals(
    TokenCounts tokens,
    long images,
    long characters,
    long seconds,
    long usageBytes,
    long sessions,
    long numRequests,
    long rows) {

  /** Nothing. */
  public static final UsageTotals ZERO = new UsageTotals(TokenCounts.ZERO, 0, 0, 0, 0, 0, 0, 0);

  /** The totals of one result row. */
  public static UsageTotals of(UsageResult r) {
    return new UsageAggregator.Sum().add(r).totals();
  }

  /** The counter-wise sum. */
  public UsageTotals plus(UsageTotals o) {
    return new UsageTotals(
        tokens.plus(o.tokens),
        images + o.images,
        characters + o.characters,
        seconds + o.seconds,
        usageBytes + o.usageBytes,
        sessions + o.sessions,
        numRequests + o.numRequests,
        rows + o.rows);
  }
}
