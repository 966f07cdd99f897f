package dev.tokenledger.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An OpenAI API key held as a secret. Its only printable form is {@link #redacted()} (class prefix
 * and the last four characters); {@link #toString()} returns that too, so a key that slips into a
 * message or log is still safe. The raw value leaves only through {@link #bearerHeaderValue()}.
 */
public final class ApiKey {
  private final String value;

  private ApiKey(String value) {
    this.value = value;
  }

  /** Wraps {@code value}; surrounding white space is dropped. */
  public static ApiKey of(String value) {
    Objects.requireNonNull(value, "value");
    String v = value.strip();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("an API key cannot be empty");
    }
    return new ApiKey(v);
  }

  /** The key's class, by prefix. */
  public KeyClass keyClass() {
    return KeyClass.of(value);
  }

  /** The printable form: {@code sk-proj-…wxyz}. */
  public String redacted() {
    return redact(value);
  }

  /** The last four characters, as OpenAI shows them in {@code redacted_value}. */
  public String lastFour() {
    return value.length() <= 4 ? "" : value.substring(value.length() - 4);
  }

  /**
   * Whether this key's start and end agree with an OpenAI {@code redacted_value} such as {@code
   * sk-proj-abc...wxyz}.
   */
  public boolean matchesRedacted(String redactedValue) {
    if (redactedValue == null) {
      return false;
    }
    String r = redactedValue.replace("…", "...");
    int dots = r.indexOf("...");
    if (dots < 0) {
      return false;
    }
    String head = r.substring(0, dots);
    String tail = r.substring(dots + 3);
    return value.length() > head.length() + tail.length()
        && value.startsWith(head)
        && value.endsWith(tail);
  }

  /**
   * HMAC-SHA256 of the key under {@code salt} (a ledger's key salt), in hex: what a ledger stores
   * to recognise a key without holding it. The salt makes it useless outside that ledger.
   */
  public String fingerprint(String salt) {
    return fingerprint(salt, value);
  }

  /** HMAC-SHA256 of {@code key} under {@code salt}, in hex (a bearer key as a proxy sees it). */
  public static String fingerprint(String salt, String key) {
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(key, "key");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(key.strip().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
    }
  }

  /** {@code Bearer <key>}: the one place the raw value is used, for the Authorization header. */
  public String bearerHeaderValue() {
    return "Bearer " + value;
  }

  /** The raw key, for handing to a child process's environment; never print it. */
  public String revealForChildProcess() {
    return value;
  }

  /**
   * Removes every occurrence of this key from {@code text}, replacing it with the redacted form.
   */
  public String scrub(String text) {
    return text == null ? null : text.replace(value, redacted());
  }

  /** The redacted form of any string that may be a key. */
  public static String redact(String value) {
    if (value == null || value.isBlank()) {
      return "(empty)";
    }
    String v = value.strip();
    KeyClass c = KeyClass.of(v);
    String prefix = c == KeyClass.UNKNOWN ? "" : c.prefix();
    if (v.length() < prefix.length() + 8) {
      return prefix + "…";
    }
    return prefix + "…" + v.substring(v.length() - 4);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiKey other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return redacted();
  }
}
