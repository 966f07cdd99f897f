package dev.tokenledger.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A share of requests to fail per kind of fault, written as {@code 429:0.1,500:0.05,reset:0.02}
 * (what {@code tokenledger sim --faults} takes). Kinds: {@code 429} (with {@code Retry-After: 1}),
 * {@code 429-no-retry-after}, any 5xx status, {@code reset} (connection closed without an answer),
 * {@code truncated} (half the body, then the connection closes), {@code html} (a proxy's 502 page).
 */
public final class FaultMix {
  /** The kinds a spec may name besides a 5xx status, as documented. */
  public static final String KINDS = "429, 429-no-retry-after, 500-599, reset, truncated, html";

  private final Map<String, Double> shares;

  private FaultMix(Map<String, Double> shares) {
    this.shares = shares;
  }

  /**
   * Parses {@code KIND:SHARE,…}; the shares add up to at most 1.
   *
   * @throws IllegalArgumentException with a one-line message naming the bad part and the fix
   */
  public static FaultMix parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "no faults given: write KIND:SHARE pairs, e.g. 429:0.1,500:0.05,reset:0.02");
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    double total = 0;
    for (String part : spec.split(",", -1)) {
      String p = part.strip().toLowerCase(Locale.ROOT);
      int colon = p.lastIndexOf(':');
      if (colon <= 0 || colon == p.length() - 1) {
        throw new IllegalArgumentException(
            "'" + part.strip() + "' is not KIND:SHARE: write e.g. 429:0.1 (kinds: " + KINDS + ")");
      }
      String kind = p.substring(0, colon);
      fault(kind);
      double share;
      try {
        share = Double.parseDouble(p.substring(colon + 1));
      } catch (NumberFormatException e) {
        share = Double.NaN;
      }
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException(
            "the share of '" + kind + "' must be a number from 0 to 1, e.g. " + kind + ":0.1");
      }
      if (shares.put(kind, share) != null) {
        throw new IllegalArgumentException("'" + kind + "' is named twice: name each kind once");
      }
      total += share;
    }
    if (total > 1 + 1e-9) {
      throw new IllegalArgumentException(
          "the shares add up to " + total + ", more than every request: keep their sum at most 1");
    }
    return new FaultMix(shares);
  }

  /** Makes every request {@code scope} matches fail with this mix, seeded by the simulator. */
  public void applyTo(SimFaults.Scope scope) {
    // one rule per kind, tried in turn: a rule sees only the requests earlier rules let through,
    // so its probability is raised to keep the kind's share of all requests
    double left = 1;
    for (Map.Entry<String, Double> e : shares.entrySet()) {
      if (e.getValue() > 0 && left > 0) {
        scope.randomly(Math.min(1, e.getValue() / left), fault(e.getKey()));
      }
      left -= e.getValue();
    }
  }

  /** Whether no request fails. */
  public boolean isEmpty() {
    return shares.values().stream().allMatch(s -> s == 0);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    shares.forEach((k, v) -> parts.add(k + ":" + v));
    return String.join(",", parts);
  }

  private static Fault fault(String kind) {
    switch (kind) {
      case "429":
        return Fault.rateLimited(1);
      case "429-no-retry-after":
        return Fault.rateLimitedWithoutRetryAfter();
      case "reset":
        return Fault.connectionReset();
      case "truncated":
        return Fault.truncatedBody();
      case "html":
        return Fault.htmlErrorPage();
      default:
        if (kind.matches("5\\d\\d")) {
          return Fault.serverError(Integer.parseInt(kind));
        }
        throw new IllegalArgumentException(
            "unknown fault '" + kind + "': use one of " + KINDS + ", e.g. 500:0.05");
    }
  }
}
