package dev.tokenledger;

/**
 * The four counters every figure in tokenledger is made of. {@code input} includes {@code
 * cachedInput} (and cache-write tokens), as the Usage API reports it; {@code output} includes
 * reasoning tokens; {@code requests} counts model requests.
 */
public record TokenCounts(long input, long cachedInput, long output, long requests) {

  /** No usage at all. */
  public static final TokenCounts ZERO = new TokenCounts(0, 0, 0, 0);

  public TokenCounts {
    if (input < 0 || cachedInput < 0 || output < 0 || requests < 0) {
      throw new IllegalArgumentException(
          "token counts cannot be negative: input="
              + input
              + " cachedInput="
              + cachedInput
              + " output="
              + output
              + " requests="
              + requests);
    }
    if (cachedInput > input) {
      throw new IllegalArgumentException(
          "cachedInput (" + cachedInput + ") cannot exceed input (" + input + ")");
    }
  }

  /** Input billed at the full input price: {@code input - cachedInput}. */
  public long uncachedInput() {
    return input - cachedInput;
  }

  /** {@code input + output}. */
  public long total() {
    return input + output;
  }

  /** Whether every counter is zero. */
  public boolean isZero() {
    return input == 0 && output == 0 && requests == 0;
  }

  /** The counter-wise sum. */
  public TokenCounts plus(TokenCounts other) {
    return new TokenCounts(
        input + other.input,
        cachedInput + other.cachedInput,
        output + other.output,
        requests + other.requests);
  }
}
