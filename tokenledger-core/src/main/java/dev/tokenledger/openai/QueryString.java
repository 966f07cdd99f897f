package dev.tokenledger.openai;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Builds a URL query the way the official SDKs send it: arrays in bracket form ({@code
 * group_by[]=model&group_by[]=batch}), every name and value percent-encoded.
 */
final class QueryString {
  private final StringBuilder sb = new StringBuilder();

  QueryString add(String name, String value) {
    if (sb.length() > 0) {
      sb.append('&');
    }
    sb.append(encode(name)).append('=').append(encode(value));
    return this;
  }

  QueryString add(String name, long value) {
    return add(name, Long.toString(value));
  }

  QueryString addArray(String name, Collection<String> values) {
    for (String v : values) {
      add(name + "[]", v);
    }
    return this;
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
