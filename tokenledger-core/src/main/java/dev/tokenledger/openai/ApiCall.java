package dev.tokenledger.openai;

/**
 * Where a request went: method, base URL, endpoint path and query string (never a key, which
 * travels only in the Authorization header).
 */
record ApiCall(String method, String baseUrl, String path, String query) {

  /** The full URL, e.g. {@code https://api.openai.com/v1/organization/costs?start_time=…}. */
  public String url() {
    return baseUrl + path + (query == null || query.isEmpty() ? "" : "?" + query);
  }

  /** {@code GET <url>}. */
  @Override
  public String toString() {
    return method + " " + url();
  }
}
