package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;

/** The signed, counter-wise difference between two sets of figures ({@code to − from}). */
public record CountsDelta(long input, long cachedInput, long output, long requests) {

  /** No change. */
  public static final CountsDelta ZERO = new CountsDelta(0, 0, 0, 0);

  /** {@code to − from}, counter by counter. */
  public static CountsDelta between(TokenCounts from, TokenCounts to) {
    return new CountsDelta(
        to.input() - from.input(),
        to.cachedInput() - from.cachedInput(),
        to.output() - from.output(),
        to.requests() - from.requests());
  }

  public boolean isZero() {
    return input == 0 && cachedInput == 0 && output == 0 && requests == 0;
  }

  /** Whether any counter went down. */
  public boolean hasDecrease() {
    return input < 0 || cachedInput < 0 || output < 0 || requests < 0;
  }
}
