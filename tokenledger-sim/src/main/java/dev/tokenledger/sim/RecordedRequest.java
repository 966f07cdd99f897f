package dev.tokenledger.sim;

import java.time.Instant;

/**
 * One request the simulator received, for tests to verify: when (simulation time), what, with which
 * key, and how it was answered.
 *
 * @param at when the request arrived, on the simulation clock
 * @param method HTTP method
 * @param path the request path as sent, e.g. {@code /v1/organization/usage/completions}
 * @param rawQuery the query string as sent (still URL-encoded), or empty
 * @param keyId the id of the registered key used, or null (missing or unknown key)
 * @param status the HTTP status answered; 0 when the connection was reset without a response
 * @param fault the injected fault, or null
 */
public record RecordedRequest(
    Instant at,
    String method,
    String path,
    String rawQuery,
    String keyId,
    int status,
    Fault fault) {

  /** The path relative to the base URL, e.g. {@code /organization/usage/completions}. */
  public String endpoint() {
    return path.startsWith("/v1/") ? path.substring(3) : path;
  }
}
