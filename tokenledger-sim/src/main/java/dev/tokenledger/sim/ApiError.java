package dev.tokenledger.sim;

import java.util.Map;

/**
 * An error answered in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with
 * its HTTP status and any extra headers.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String INSUFFICIENT_PERMISSIONS =
      "You have insufficient permissions for this operation. Missing scopes: %s. Check that you"
          + " have the correct role in your organization, and if you're using a restricted API"
          + " key, that it has the necessary scopes.";

  static final String NO_KEY =
      "You didn't provide an API key. You need to provide your API key in an Authorization header"
          + " using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field"
          + " (with blank username) if you're accessing the API from your browser and are prompted"
          + " for a username. You can obtain an API key from"
          + " https://platform.openai.com/account/api-keys.";

  final int status;
  final String type;
  final String param;
  final String code;
  final transient Map<String, String> headers;

  ApiError(int status, String message, String type, String param, String code) {
    this(status, message, type, param, code, Map.of());
  }

  ApiError(
      int status,
      String message,
      String type,
      String param,
      String code,
      Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.headers = headers;
  }

  /** OpenAI's {@code invalid_request_error}: the request, not the server, is at fault. */
  static ApiError invalidRequest(int status, String message, String param, String code) {
    return new ApiError(status, message, "invalid_request_error", param, code);
  }

  static ApiError badRequest(String message, String param) {
    return invalidRequest(400, message, param, null);
  }

  /** OpenAI's answer to a request without a required body parameter. */
  static ApiError missingParameter(String param) {
    return invalidRequest(
        400, "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
  }

  static ApiError missingScope(String scope) {
    return invalidRequest(401, INSUFFICIENT_PERMISSIONS.formatted(scope), null, null);
  }

  static ApiError noKey() {
    return invalidRequest(401, NO_KEY, null, null);
  }

  /** OpenAI's answer to an unknown key: the key is echoed with all but its ends starred out. */
  static ApiError incorrectKey(String value) {
    return invalidRequest(
        401,
        "Incorrect API key provided: "
            + starred(value)
            + ". You can find your API key at https://platform.openai.com/account/api-keys.",
        null,
        "invalid_api_key");
  }

  static ApiError adminKeyOnModelEndpoint() {
    return invalidRequest(
        401,
        "Admin API keys cannot be used for non-administration endpoints. Use a project API key"
            + " (sk-proj-...) or a service account key for model requests.",
        null,
        null);
  }

  static ApiError notFound(String method, String path) {
    return invalidRequest(404, "Invalid URL (" + method + " " + path + ")", null, null);
  }

  static ApiError rateLimited(int retryAfterSeconds) {
    return new ApiError(
        429,
        "Rate limit reached for requests. Please try again in " + retryAfterSeconds + "s.",
        "requests",
        null,
        "rate_limit_exceeded",
        retryAfterSeconds > 0
            ? Map.of("Retry-After", Integer.toString(retryAfterSeconds))
            : Map.of());
  }

  static ApiError serverError(int status) {
    String message =
        switch (status) {
          case 502 -> "Bad gateway.";
          case 503 -> "The server is overloaded or not ready yet.";
          default -> "The server had an error while processing your request. Sorry about that!";
        };
    return new ApiError(status, message, "server_error", null, null);
  }

  /** The prefix (class prefix, or the first three characters) and the last four; stars between. */
  static String starred(String value) {
    if (value.length() <= 8) {
      return "*".repeat(value.length());
    }
    String prefix;
    if (value.startsWith("sk-admin-")) {
      prefix = "sk-admin-";
    } else if (value.startsWith("sk-svcacct-")) {
      prefix = "sk-svcacct-";
    } else if (value.startsWith("sk-proj-")) {
      prefix = "sk-proj-";
    } else {
      prefix = value.substring(0, 3);
    }
    if (value.length() < prefix.length() + 8) {
      return prefix + "*".repeat(value.length() - prefix.length());
    }
    return prefix
        + "*".repeat(value.length() - prefix.length() - 4)
        + value.substring(value.length() - 4);
  }
}
