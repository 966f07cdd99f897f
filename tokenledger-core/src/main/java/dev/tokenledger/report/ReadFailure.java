package dev.tokenledger.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the kind of a failed Usage API read from the error the ledger stored for it, in words safe
 * to write into files others read: the stored text itself is never quoted (it can hold a redacted
 * key, a body excerpt or a base URL).
 */
final class ReadFailure {
  private static final Pattern LAST_STATUS = Pattern.compile("the last one: HTTP (\\d{3})");
  private static final Pattern STATUS = Pattern.compile("HTTP (\\d{3})");

  private ReadFailure() {}

  /** A short phrase such as {@code the Usage API refused the usage key (HTTP 401)}. */
  static String kind(String error) {
    if (error == null || error.isBlank()) {
      return "no reason was recorded";
    }
    String e = error.startsWith("not read: ") ? error.substring("not read: ".length()) : error;
    if (e.startsWith("the run has no key id")) {
      return "the run has no key id";
    }
    if (e.contains("gave up after")) {
      return unavailable(e);
    }
    if (e.contains("interrupted after")) {
      return "the read was interrupted";
    }
    String status = status(STATUS.matcher(e));
    if (e.contains(": the key ")) {
      return "the Usage API refused the usage key"
          + status
          + (e.contains(" lacks ") ? ": it lacks a scope (api.usage.read)" : "");
    }
    if (e.contains("the API rejected the request")) {
      return "the Usage API rejected the request" + status;
    }
    if (e.contains("expected HTTP 200 but got") || e.contains("the body is not")) {
      return "the Usage API answered with something that is not a usage page"
          + status
          + "; check OPENAI_BASE_URL";
    }
    return "the read failed";
  }

  /**
   * Whether the failure passes by itself (rate limits, server errors, the network, an interrupted
   * read), so that the next reconcile may well succeed without anyone fixing anything.
   */
  static boolean isTransient(String error) {
    return error != null
        && !error.contains("out of quota")
        && (error.contains("gave up after") || error.contains("interrupted after"));
  }

  private static String unavailable(String e) {
    if (e.contains("out of quota")) {
      return "the organization is out of quota (HTTP 429)";
    }
    Matcher last = LAST_STATUS.matcher(e);
    String code = last.find() ? last.group(1) : null;
    if ("429".equals(code)) {
      return "the Usage API rate-limited the reads until the retries ran out (HTTP 429)";
    }
    if ("408".equals(code)) {
      return "the Usage API timed out until the retries ran out (HTTP 408)";
    }
    if (code != null) {
      return "the Usage API kept failing until the retries ran out (HTTP " + code + ")";
    }
    return "the Usage API could not be reached (network or timeout) until the retries ran out";
  }

  private static String status(Matcher m) {
    return m.find() ? " (HTTP " + m.group(1) + ")" : "";
  }
}
