package dev.tokenledger.openai;

import java.time.Duration;
import java.util.Objects;

/**
 * A retry about to be waited for, so a command can say why it is waiting: {@code 429 from OpenAI,
 * retry 2 of 5 in 3 s}.
 *
 * @param status the HTTP status that is retried, 0 for a connection failure or timeout
 * @param cause what failed, for a person ("HTTP 429", "could not connect to api.openai.com:443")
 * @param retry which retry this is, from 1
 * @param retries how many retries the policy allows at most
 * @param delay how long the client waits before it
 */
public record RetryNotice(int status, String cause, int retry, int retries, Duration delay) {
  public RetryNotice {
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(delay, "delay");
  }

  /** {@code 429 from OpenAI, retry 2 of 5 in 3 s}. */
  public String describe() {
    return (status > 0 ? status + " from OpenAI" : cause)
        + ", retry "
        + retry
        + " of "
        + retries
        + " in "
        + Durations.human(delay);
  }

  /** Hears of every retry before the client waits for it. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = notice -> {};

    void retrying(RetryNotice notice);
  }
}
