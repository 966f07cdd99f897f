package dev.tokenledger.metering;

import dev.tokenledger.TokenCounts;

/**
 * Every usage counter one response carried, in the Usage API's terms: {@code input} includes {@code
 * cachedInput} and {@code inputAudio}; {@code output} includes {@code reasoning} and {@code
 * outputAudio} (chat completions' {@code prompt_tokens}/{@code completion_tokens}, the Responses
 * API's {@code input_tokens}/{@code output_tokens}, embeddings' {@code prompt_tokens}).
 */
public record MeteredUsage(
    long input, long cachedInput, long output, long reasoning, long inputAudio, long outputAudio) {

  public MeteredUsage {
    if (input < 0 || cachedInput < 0 || output < 0 || reasoning < 0) {
      throw new IllegalArgumentException(
          "usage counters cannot be negative: input="
              + input
              + " cachedInput="
              + cachedInput
              + " output="
              + output
              + " reasoning="
              + reasoning);
    }
    if (inputAudio < 0 || outputAudio < 0) {
      throw new IllegalArgumentException(
          "audio counters cannot be negative: inputAudio="
              + inputAudio
              + " outputAudio="
              + outputAudio);
    }
  }

  /** Input and output only. */
  public static MeteredUsage of(long input, long cachedInput, long output) {
    return new MeteredUsage(input, cachedInput, output, 0, 0, 0);
  }

  /** The four counters the Usage API audits, for one model request. */
  public TokenCounts counts() {
    // a response may claim more cached than input tokens; the audit compares what the API files
    return new TokenCounts(input, Math.min(cachedInput, input), output, 1);
  }
}
