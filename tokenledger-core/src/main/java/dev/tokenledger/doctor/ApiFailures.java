package dev.tokenledger.doctor;

import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.config.VariableOrigin;
import dev.tokenledger.openai.ApiError;
import dev.tokenledger.openai.ApiRequestException;
import dev.tokenledger.openai.ApiUnavailableException;
import dev.tokenledger.openai.BadResponseException;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Explains a failure that is not the key's fault (network, DNS, TLS, rate limit, server errors, a
 * wrong base URL) naming the host, and {@code OPENAI_BASE_URL} when it is set.
 */
final class ApiFailures {

  /** A failure explained: the one-line problem, details and the fix. */
  record Explanation(String summary, List<String> details, List<String> fix) {}

  private final URI baseUrl;
  private final Optional<VariableOrigin> baseUrlOrigin;

  ApiFailures(URI baseUrl, Optional<VariableOrigin> baseUrlOrigin) {
    this.baseUrl = baseUrl;
    this.baseUrlOrigin = baseUrlOrigin;
  }

  Explanation explain(OpenAiException e) {
    String host = host();
    List<String> details = List.of(e.getMessage());
    if (e instanceof ApiUnavailableException u) {
      String attempts = u.attempts() == 1 ? "1 attempt" : u.attempts() + " attempts";
      return switch (u.reason()) {
        case RATE_LIMITED ->
            new Explanation(
                "OpenAI answered 429 (rate limited) until the retries ran out, after " + attempts,
                details,
                List.of(
                    "Wait a minute and run tokenledger doctor again; if it keeps happening,"
                        + " something else is using up the organization's rate limit."));
        case QUOTA_EXCEEDED ->
            new Explanation(
                "the organization is out of quota (HTTP 429, insufficient_quota)",
                details,
                List.of(
                    "Check the organization's billing and limits on platform.openai.com"
                        + " (Settings > Billing)."));
        case SERVER_ERROR ->
            new Explanation(
                "OpenAI kept failing"
                    + e.httpStatus().stream()
                        .mapToObj(s -> " (HTTP " + s + ")")
                        .findFirst()
                        .orElse("")
                    + ", gave up after "
                    + attempts,
                details,
                List.of("Try again in a few minutes; https://status.openai.com shows outages."));
        case TIMEOUT ->
            new Explanation(
                "no answer from " + host + " in time, gave up after " + attempts,
                details,
                networkFix(host));
        case NETWORK -> network(e, host, attempts, details);
        case INTERRUPTED ->
            new Explanation(
                "interrupted while waiting for " + host,
                details,
                List.of("Run tokenledger doctor again."));
      };
    }
    if (e instanceof BadResponseException bad) {
      return new Explanation(
          "the answer from "
              + host
              + " is not OpenAI's API ("
              + bad.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
              + ")",
          details,
          baseUrlFix());
    }
    if (e instanceof ApiRequestException) {
      return new Explanation(
          host
              + " rejected the request"
              + e.httpStatus().stream().mapToObj(s -> " (HTTP " + s + ")").findFirst().orElse(""),
          details,
          baseUrlFix());
    }
    return new Explanation("the request to " + host + " failed", details, baseUrlFix());
  }

  /** OpenAI's own message, or the exception's when the body had none. */
  static String openAiSaid(OpenAiException e) {
    return "OpenAI said: "
        + e.apiError().map(ApiError::message).filter(m -> !m.isBlank()).orElse(e.getMessage());
  }

  /** The scopes a refusal names as missing, or {@code fallback} when it names none. */
  static String missingScopes(KeyRefusedException e, String fallback) {
    return e.missingScopes().isEmpty() ? fallback : String.join(", ", e.missingScopes());
  }

  private Explanation network(OpenAiException e, String host, String attempts, List<String> d) {
    if (causedBy(e, SSLException.class)) {
      return new Explanation(
          "the TLS handshake with " + host + " failed",
          d,
          List.of(
              "Check the scheme of the base URL (https for OpenAI), a proxy that intercepts TLS,"
                  + " and this machine's CA certificates."
                  + baseUrlNote()));
    }
    if (causedBy(e, UnknownHostException.class) || causedBy(e, UnresolvedAddressException.class)) {
      return new Explanation(
          "the host name " + baseUrl.getHost() + " could not be resolved (DNS)",
          d,
          networkFix(host));
    }
    return new Explanation(
        "could not connect to " + host + ", gave up after " + attempts, d, networkFix(host));
  }

  private List<String> networkFix(String host) {
    List<String> fix = new ArrayList<>();
    baseUrlOrigin.ifPresent(
        origin ->
            fix.add(
                "OPENAI_BASE_URL is set to "
                    + baseUrl
                    + " (from "
                    + origin.describe()
                    + "): check it, or unset it to use "
                    + TokenLedgerConfig.DEFAULT_BASE_URL
                    + "."));
    fix.add(
        "Check this machine's network, DNS, proxy and firewall: it must reach "
            + host
            + (baseUrlOrigin.isEmpty()
                ? " over HTTPS (https://status.openai.com shows outages)."
                : "."));
    return fix;
  }

  private List<String> baseUrlFix() {
    return List.of(
        baseUrlOrigin
            .map(
                origin ->
                    "OPENAI_BASE_URL is set to "
                        + baseUrl
                        + " (from "
                        + origin.describe()
                        + "): point it at OpenAI's API ("
                        + TokenLedgerConfig.DEFAULT_BASE_URL
                        + ") or unset it.")
            .orElse(
                "Check for a proxy between this machine and "
                    + host()
                    + "; https://status.openai.com shows outages."));
  }

  private String baseUrlNote() {
    return baseUrlOrigin
        .map(o -> " OPENAI_BASE_URL is set to " + baseUrl + " (from " + o.describe() + ").")
        .orElse("");
  }

  private String host() {
    return baseUrl.getHost() + (baseUrl.getPort() >= 0 ? ":" + baseUrl.getPort() : "");
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
