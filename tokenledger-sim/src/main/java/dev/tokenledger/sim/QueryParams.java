package dev.tokenledger.sim;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A decoded query string. Array parameters are accepted in both forms OpenAI's clients use:
 * repeated keys ({@code group_by=a&group_by=b}) and brackets ({@code group_by[]=a}).
 */
final class QueryParams {
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  private QueryParams() {}

  static QueryParams parse(String rawQuery) {
    QueryParams q = new QueryParams();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return q;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name.endsWith("[]")) {
        name = name.substring(0, name.length() - 2);
      }
      q.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return q;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("The query string is not correctly URL-encoded: " + s, null);
    }
  }

  /** The single value of {@code name}, or null; the last one wins if it was sent twice. */
  String get(String name) {
    List<String> v = values.get(name);
    return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  Long getLong(String name) {
    String v = get(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(
          "Invalid value for '" + name + "': expected an integer, got '" + v + "'.", name);
    }
  }

  Boolean getBoolean(String name) {
    String v = get(name);
    if (v == null) {
      return null;
    }
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw ApiError.badRequest(
              "Invalid value for '" + name + "': expected true or false, got '" + v + "'.", name);
    };
  }

  /** Every parameter but {@code except}, sorted by name: identifies a query across its pages. */
  String canonical(String... except) {
    Map<String, List<String>> sorted = new TreeMap<>(values);
    for (String e : except) {
      sorted.remove(e);
    }
    return sorted.toString();
  }
}
