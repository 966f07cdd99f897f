package dev.tokenledger.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.config.ApiKey;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the typed exceptions with messages that say expected, actual and where; every text that
 * came from the server is scrubbed of the keys the client holds.
 */
final class ErrorMapper {
  private static final Pattern MISSING_SCOPES =
      Pattern.compile("missing scopes?\\s*:", Pattern.CASE_INSENSITIVE);
  private static final Pattern SCOPE =
      Pattern.compile("\\G\\s*(?:,|and\\b)?\\s*([A-Za-z][\\w-]*(?:\\.[\\w-]+)+)");

  private final ObjectMapper json;
  private final List<ApiKey> knownKeys;

  ErrorMapper(ObjectMapper json, List<ApiKey> knownKeys) {
    this.json = json;
    this.knownKeys = List.copyOf(knownKeys);
  }

  /** OpenAI's {@code error} object from {@code body}, or {@code null} when there is none. */
  ApiError parseError(byte[] body, ApiKey key) {
    if (body == null || body.length == 0 || !PageParser.startsWith(body, '{')) {
      return null;
    }
    try {
      JsonNode root = json.readTree(body);
      JsonNode error = root == null ? null : root.get("error");
      if (error == null || error.isNull()) {
        return null;
      }
      if (error.isTextual()) {
        return new ApiError(scrub(error.asText(), key), null, null, null);
      }
      return new ApiError(
          scrub(text(error, "message"), key),
          scrub(text(error, "type"), key),
          scrub(text(error, "code"), key),
          scrub(text(error, "param"), key));
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
  }

  KeyRefusedException keyRefused(
      ApiCall call, ApiKey key, int status, ApiError apiError, byte[] body) {
    String message = apiError == null ? null : apiError.message();
    String code = apiError == null ? null : apiError.code();
    List<String> scopes = message == null ? List.of() : missingScopes(message);
    KeyRefusedException.Reason reason;
    String what;
    if (message != null && MISSING_SCOPES.matcher(message).find()) {
      reason = KeyRefusedException.Reason.MISSING_SCOPES;
      what =
          scopes.isEmpty()
              ? "it lacks a scope OpenAI did not name"
              : "it lacks the scope" + (scopes.size() > 1 ? "s " : " ") + String.join(", ", scopes);
    } else if ("invalid_api_key".equals(code)
        || message != null && message.startsWith("Incorrect API key provided")) {
      reason = KeyRefusedException.Reason.INVALID_KEY;
      what = "OpenAI does not accept it as a valid key";
    } else if (status == 403) {
      reason = KeyRefusedException.Reason.PERMISSION_DENIED;
      what = "it is not allowed to do this";
    } else {
      reason = KeyRefusedException.Reason.OTHER;
      what = "OpenAI refused it";
    }
    String text =
        call
            + ": HTTP "
            + status
            + ": the key "
            + key.redacted()
            + " was refused: "
            + what
            + "; "
            + said(apiError, body, key);
    return new KeyRefusedException(
        scrub(text, key), call, status, apiError, reason, scopes, key.keyClass());
  }

  /** The scopes named after "Missing scopes:", e.g. {@code [api.usage.read, api.model.read]}. */
  static List<String> missingScopes(String message) {
    Matcher m = MISSING_SCOPES.matcher(message);
    if (!m.find()) {
      return List.of();
    }
    Set<String> scopes = new LinkedHashSet<>();
    Matcher s = SCOPE.matcher(message);
    s.region(m.end(), message.length());
    while (s.find()) {
      scopes.add(s.group(1));
    }
    return new ArrayList<>(scopes);
  }

  ApiUnavailableException unavailable(
      ApiCall call,
      ApiKey key,
      ApiUnavailableException.Reason reason,
      int status,
      ApiError apiError,
      String lastError,
      int attempts,
      Duration elapsed,
      String why,
      Throwable cause) {
    String text =
        call
            + ": gave up after "
            + attempts
            + (attempts == 1 ? " attempt" : " attempts")
            + (elapsed.isZero() ? "" : " over " + Durations.human(elapsed))
            + (why == null ? "" : " (" + why + ")")
            + "; the last one: "
            + lastError;
    return new ApiUnavailableException(
        scrub(text, key), call, status, apiError, reason, attempts, cause);
  }

  ApiUnavailableException interrupted(
      ApiCall call, ApiKey key, int attempts, InterruptedException e) {
    return new ApiUnavailableException(
        scrub(call + ": interrupted after " + attempts + " attempt(s)", key),
        call,
        0,
        null,
        ApiUnavailableException.Reason.INTERRUPTED,
        attempts,
        e);
  }

  ApiRequestException requestRejected(
      ApiCall call, ApiKey key, int status, ApiError apiError, byte[] body) {
    String text =
        call + ": HTTP " + status + ": the API rejected the request; " + said(apiError, body, key);
    return new ApiRequestException(scrub(text, key), call, status, apiError);
  }

  BadResponseException unexpectedStatus(
      ApiCall call, ApiKey key, int status, HttpHeaders headers, byte[] body) {
    String location = headers.firstValue("location").orElse(null);
    String text =
        call
            + ": expected HTTP 200 but got "
            + status
            + (location == null ? "" : " redirecting to " + location)
            + " (is the base URL right?); the body starts with "
            + BodyExcerpt.of(body, keys(key));
    return new BadResponseException(
        scrub(text, key),
        call,
        status,
        BadResponseException.Kind.UNEXPECTED_STATUS,
        BodyExcerpt.of(body, keys(key)),
        null);
  }

  BadResponseException badBody(
      ApiCall call, ApiKey key, int status, String expected, PageFormatException e, byte[] body) {
    String excerpt = BodyExcerpt.of(body, keys(key));
    String text =
        call
            + ": HTTP "
            + status
            + ": the body is not "
            + expected
            + ": "
            + e.getMessage()
            + "; the body starts with "
            + excerpt;
    // No cause: the parser's exceptions may quote body text that was not scrubbed.
    return new BadResponseException(scrub(text, key), call, status, e.kind(), excerpt, null);
  }

  /** {@code HTTP 503: <OpenAI's error, or the start of the body>}. */
  String statusDescription(int status, ApiError apiError, byte[] body, ApiKey key) {
    return scrub("HTTP " + status + ": " + said(apiError, body, key), key);
  }

  private String said(ApiError apiError, byte[] body, ApiKey key) {
    if (apiError != null) {
      return "OpenAI said: " + apiError;
    }
    if (body == null || body.length == 0) {
      return "the body is empty";
    }
    String kind = PageParser.startsWith(body, '<') ? "an HTML page" : "not an OpenAI error";
    return "the body is " + kind + " starting with " + BodyExcerpt.of(body, keys(key));
  }

  private List<ApiKey> keys(ApiKey used) {
    if (used == null || knownKeys.contains(used)) {
      return knownKeys;
    }
    List<ApiKey> all = new ArrayList<>(knownKeys);
    all.add(used);
    return all;
  }

  String scrub(String text, ApiKey used) {
    return BodyExcerpt.scrub(text, keys(used));
  }
}
