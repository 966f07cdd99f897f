package dev.tokenledger.openai;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.config.ApiKey;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLHandshakeException;

/**
 * Sends GET requests with retries (backoff with full jitter, {@code Retry-After}, a deadline on the
 * injected clock) and turns every failure into the right {@link OpenAiException}.
 */
final class HttpTransport {
  /** A successful (2xx) response. */
  record Response(ApiCall call, int status, byte[] body) {}

  private final HttpClient http;
  private final String baseUrl;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RetryPolicy policy;
  private final Duration readTimeout;
  private final RandomGenerator random;
  private final ErrorMapper errors;
  private final RetryNotice.Listener retries;

  HttpTransport(
      HttpClient http,
      String baseUrl,
      Clock clock,
      Sleeper sleeper,
      RetryPolicy policy,
      Duration readTimeout,
      RandomGenerator random,
      ErrorMapper errors,
      RetryNotice.Listener retries) {
    this.http = http;
    this.retries = retries;
    this.baseUrl = baseUrl;
    this.clock = clock;
    this.sleeper = sleeper;
    this.policy = policy;
    this.readTimeout = readTimeout;
    this.random = random;
    this.errors = errors;
  }

  String baseUrl() {
    return baseUrl;
  }

  /** One failed attempt that may be retried. */
  private record Failure(
      ApiUnavailableException.Reason reason,
      int status,
      ApiError apiError,
      String description,
      Duration retryAfter,
      IOException cause) {}

  /**
   * Sends the request. Whatever goes wrong, no message leaves with a header value in it: a key that
   * cannot be a header value is refused before the JDK sees it (its message would quote the whole
   * {@code Bearer} header), and any other unexpected exception is re-thrown with its text redacted.
   */
  Response get(String path, String query, ApiKey key, Runnable onAttempt) {
    Optional<String> malformed = key.malformation();
    if (malformed.isPresent()) {
      throw new ConfigurationException(
          "the key "
              + key.redacted()
              + " cannot be sent to OpenAI: it contains "
              + malformed.get()
              + "; copy the key again (printable ASCII, no spaces or line breaks)");
    }
    try {
      return sendWithRetries(path, query, key, onAttempt);
    } catch (OpenAiException | ConfigurationException e) {
      throw e; // built from scrubbed text
    } catch (RuntimeException e) {
      throw redacted(e, key);
    }
  }

  /** {@code e} again, as an exception whose message and causes cannot carry a key. */
  private static RuntimeException redacted(RuntimeException e, ApiKey key) {
    String message =
        e.getMessage() == null ? null : ApiKey.scrubKeyShapes(key.scrub(e.getMessage()));
    RuntimeException safe =
        new IllegalStateException(
            e.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    safe.setStackTrace(e.getStackTrace()); // frames hold no values; the cause is left out
    return safe;
  }

  private Response sendWithRetries(String path, String query, ApiKey key, Runnable onAttempt) {
    ApiCall call = new ApiCall("GET", baseUrl, path, query);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(call.url()))
            .GET()
            .timeout(readTimeout)
            .header("Authorization", key.bearerHeaderValue())
            .header("Accept", "application/json")
            .header("User-Agent", "tokenledger")
            .build();
    Instant started = clock.instant();
    Instant deadline = started.plus(policy.deadline());
    for (int attempt = 1; ; attempt++) {
      onAttempt.run();
      Failure failure;
      try {
        HttpResponse<byte[]> response = send(request);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return new Response(call, status, response.body());
        }
        failure = retryableOrThrow(call, key, response, attempt);
      } catch (IOException e) {
        failure = networkFailure(call, key, e, attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw errors.interrupted(call, key, attempt, e);
      }
      if (attempt >= policy.maxAttempts()) {
        throw giveUp(call, key, failure, attempt, started, null);
      }
      Duration wait =
          failure.retryAfter() != null
              ? failure.retryAfter()
              : jitter(policy.backoffCeiling(attempt));
      Instant now = clock.instant();
      if (now.plus(wait).isAfter(deadline)) {
        String why =
            "the next retry, in "
                + Durations.human(wait)
                + (failure.retryAfter() != null ? " as the server's Retry-After asked" : "")
                + ", would pass the "
                + Durations.human(policy.deadline())
                + " deadline";
        throw giveUp(call, key, failure, attempt, started, why);
      }
      retries.retrying(
          new RetryNotice(
              failure.status(), failure.description(), attempt, policy.maxAttempts() - 1, wait));
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw errors.interrupted(call, key, attempt, e);
      }
    }
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<byte[]>> future =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    try {
      // The request timeout covers the headers; this one also covers a body that stalls.
      return future.get(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new HttpTimeoutException(
          "no complete response within the read timeout of " + Durations.human(readTimeout));
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }

  private Failure retryableOrThrow(
      ApiCall call, ApiKey key, HttpResponse<byte[]> response, int attempt) {
    int status = response.statusCode();
    byte[] body = response.body();
    ApiError apiError = errors.parseError(body, key);
    if (status == 401 || status == 403) {
      throw errors.keyRefused(call, key, status, apiError, body);
    }
    Duration retryAfter = retryAfter(response.headers(), clock.instant());
    if (status == 429) {
      if (apiError != null
          && ("insufficient_quota".equals(apiError.code())
              || "insufficient_quota".equals(apiError.type()))) {
        throw errors.unavailable(
            call,
            key,
            ApiUnavailableException.Reason.QUOTA_EXCEEDED,
            status,
            apiError,
            errors.statusDescription(status, apiError, body, key),
            attempt,
            Duration.ZERO,
            "the organization is out of quota, which retrying does not fix",
            null);
      }
      return new Failure(
          ApiUnavailableException.Reason.RATE_LIMITED,
          status,
          apiError,
          errors.statusDescription(status, apiError, body, key),
          retryAfter,
          null);
    }
    if (status == 408 || status == 409 || status >= 500 && status < 600) {
      return new Failure(
          status == 408
              ? ApiUnavailableException.Reason.TIMEOUT
              : ApiUnavailableException.Reason.SERVER_ERROR,
          status,
          apiError,
          errors.statusDescription(status, apiError, body, key),
          retryAfter,
          null);
    }
    if (status >= 400 && status < 500) {
      throw errors.requestRejected(call, key, status, apiError, body);
    }
    throw errors.unexpectedStatus(call, key, status, response.headers(), body);
  }

  private Failure networkFailure(ApiCall call, ApiKey key, IOException e, int attempt) {
    if (e instanceof SSLHandshakeException) {
      throw errors.unavailable(
          call,
          key,
          ApiUnavailableException.Reason.NETWORK,
          0,
          null,
          "the TLS handshake failed (" + e.getMessage() + ")",
          attempt,
          Duration.ZERO,
          "check the base URL and the machine's certificates; retrying does not fix this",
          e);
    }
    ApiUnavailableException.Reason reason;
    String description;
    if (e instanceof HttpConnectTimeoutException) {
      reason = ApiUnavailableException.Reason.TIMEOUT;
      description = "could not connect within the connect timeout";
    } else if (e instanceof HttpTimeoutException) {
      reason = ApiUnavailableException.Reason.TIMEOUT;
      description = "no response within the read timeout of " + Durations.human(readTimeout);
    } else if (e instanceof ConnectException) {
      reason = ApiUnavailableException.Reason.NETWORK;
      description = "could not connect to " + hostOf(call);
    } else {
      reason = ApiUnavailableException.Reason.NETWORK;
      description = "the connection failed";
    }
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new Failure(
        reason,
        0,
        null,
        description + " (" + BodyExcerpt.scrub(detail, List.of(key)) + ")",
        null,
        e);
  }

  private static String hostOf(ApiCall call) {
    URI u = URI.create(call.baseUrl());
    return u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
  }

  private Duration jitter(Duration ceiling) {
    RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
    return Duration.ofNanos((long) (ceiling.toNanos() * r.nextDouble()));
  }

  /** The exception for a retryable failure that is retried no more; {@code why} may be null. */
  private ApiUnavailableException giveUp(
      ApiCall call, ApiKey key, Failure failure, int attempt, Instant started, String why) {
    return errors.unavailable(
        call,
        key,
        failure.reason(),
        failure.status(),
        failure.apiError(),
        failure.description(),
        attempt,
        elapsed(started),
        why,
        failure.cause());
  }

  private Duration elapsed(Instant started) {
    Duration d = Duration.between(started, clock.instant());
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * The wait a response asks for: {@code retry-after-ms} (milliseconds), else {@code Retry-After}
   * in seconds or as an HTTP date; {@code null} when absent or unreadable.
   */
  static Duration retryAfter(HttpHeaders headers, Instant now) {
    Optional<String> ms = headers.firstValue("retry-after-ms");
    if (ms.isPresent()) {
      try {
        double v = Double.parseDouble(ms.get().strip());
        if (v >= 0 && v < 1e12) {
          return Duration.ofNanos((long) (v * 1_000_000));
        }
      } catch (NumberFormatException e) {
        // Unreadable: fall back to Retry-After.
      }
    }
    Optional<String> ra = headers.firstValue("retry-after");
    if (ra.isEmpty()) {
      return null;
    }
    String v = ra.get().strip();
    try {
      double seconds = Double.parseDouble(v);
      return seconds >= 0 && seconds < 1e9 ? Duration.ofNanos((long) (seconds * 1e9)) : null;
    } catch (NumberFormatException e) {
      // Not a number: an HTTP date.
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
