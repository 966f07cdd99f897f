package dev.tokenledger.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * Something that goes wrong with one request: a 429 with {@code Retry-After}, a 5xx, a reset
 * connection, a slow or held response, a truncated body, or a proxy's HTML error page. Script
 * faults with {@link SimFaults}.
 */
public final class Fault {
  /** The longest real delay a {@link #slow} fault may take, to keep test suites fast. */
  public static final Duration MAX_SLOW = Duration.ofSeconds(5);

  /** What kind of failure. */
  public enum Kind {
    RATE_LIMITED,
    SERVER_ERROR,
    CONNECTION_RESET,
    SLOW,
    HOLD,
    TRUNCATED_BODY,
    HTML_ERROR_PAGE
  }

  private final Kind kind;
  private final int status;
  private final int retryAfterSeconds;
  private final Duration delay;
  private final FaultGate gate;

  private Fault(Kind kind, int status, int retryAfterSeconds, Duration delay, FaultGate gate) {
    this.kind = kind;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.delay = delay;
    this.gate = gate;
  }

  /** HTTP 429 with OpenAI's rate-limit body and {@code Retry-After: seconds}. */
  public static Fault rateLimited(int retryAfterSeconds) {
    if (retryAfterSeconds < 1) {
      throw new IllegalArgumentException(
          "Retry-After must be at least 1 second; use rateLimitedWithoutRetryAfter() to omit it");
    }
    return new Fault(Kind.RATE_LIMITED, 429, retryAfterSeconds, null, null);
  }

  /** HTTP 429 without a {@code Retry-After} header (the spec allows leaving it out). */
  public static Fault rateLimitedWithoutRetryAfter() {
    return new Fault(Kind.RATE_LIMITED, 429, 0, null, null);
  }

  /** A server error (500, 502, 503, …) with OpenAI's JSON error body. */
  public static Fault serverError(int status) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("a server error status is 5xx, not " + status);
    }
    return new Fault(Kind.SERVER_ERROR, status, 0, null, null);
  }

  /** The connection is closed without any response. */
  public static Fault connectionReset() {
    return new Fault(Kind.CONNECTION_RESET, 0, 0, null, null);
  }

  /**
   * The response is sent normally after a real delay (at most {@link #MAX_SLOW}); the request is
   * served after the delay, so its usage is filed when the delay is over.
   */
  public static Fault slow(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative() || delay.compareTo(MAX_SLOW) > 0) {
      throw new IllegalArgumentException(
          "a slow response waits between 0 and "
              + MAX_SLOW.toSeconds()
              + " s of real time; use holdUntilReleased(gate) for longer, not "
              + delay);
    }
    return new Fault(Kind.SLOW, 0, 0, delay, null);
  }

  /** The request waits until the test calls {@link FaultGate#release()}, then is served. */
  public static Fault holdUntilReleased(FaultGate gate) {
    return new Fault(Kind.HOLD, 0, 0, null, Objects.requireNonNull(gate, "gate"));
  }

  /**
   * The response announces its full {@code Content-Length} but only half the body is sent before
   * the connection closes. A model request is still served and billed, as it would be by OpenAI.
   */
  public static Fault truncatedBody() {
    return new Fault(Kind.TRUNCATED_BODY, 0, 0, null, null);
  }

  /** A proxy's {@code text/html} 502 Bad Gateway page instead of JSON. */
  public static Fault htmlErrorPage() {
    return new Fault(Kind.HTML_ERROR_PAGE, 502, 0, null, null);
  }

  /** The kind of failure. */
  public Kind kind() {
    return kind;
  }

  int status() {
    return status;
  }

  int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  Duration delay() {
    return delay;
  }

  FaultGate gate() {
    return gate;
  }

  /** Whether the request is still served after this fault (it only delays or damages delivery). */
  boolean serves() {
    return kind == Kind.SLOW || kind == Kind.HOLD || kind == Kind.TRUNCATED_BODY;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case RATE_LIMITED ->
          retryAfterSeconds > 0
              ? "429 Retry-After: " + retryAfterSeconds
              : "429 without Retry-After";
      case SERVER_ERROR -> status + " server error";
      case CONNECTION_RESET -> "connection reset";
      case SLOW -> "slow " + delay.toMillis() + " ms";
      case HOLD -> "held until released";
      case TRUNCATED_BODY -> "truncated body";
      case HTML_ERROR_PAGE -> "502 HTML error page";
    };
  }
}
