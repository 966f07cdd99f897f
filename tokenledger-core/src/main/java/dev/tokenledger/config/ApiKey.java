package dev.tokenledger.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI API key held as a secret. Its only printable form is {@link #redacted()} (class prefix
 * and the last four characters); {@link #toString()} returns that too, so a key that slips into a
 * message or log is still safe. The raw value leaves only through {@link #bearerHeaderValue()}.
 */
public final class ApiKey {
  // Everything after "Bearer " up to a quote: a refused header value may hold line breaks.
  private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+[^\"']*");
  private static final Pattern KEY_SHAPE = Pattern.compile("sk-[^\\s\"'<>,;()\\[\\]{}]+");

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
    byte[] secret = salt.getBytes(StandardCharsets.UTF_8);
    if (secret.length == 0) {
      throw new IllegalArgumentException("Empty key"); // as javax.crypto's key spec refuses it
    }
    return HexFormat.of()
        .formatHex(hmacSha256(secret, key.strip().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * HMAC-SHA256 (RFC 2104) over the JDK's SHA-256 digest. {@code javax.crypto.Mac} gives the same
   * bytes ({@code ApiKeyTest}) but looks its provider up through every installed one and reads the
   * crypto policy first: a quarter of what {@code run exec} adds to the JVM's start
   * (docs/performance.md).
   */
  static byte[] hmacSha256(byte[] secret, byte[] message) {
    MessageDigest sha256 = sha256();
    byte[] block = new byte[64];
    byte[] k = secret.length > block.length ? sha256.digest(secret) : secret;
    System.arraycopy(k, 0, block, 0, k.length);
    for (int i = 0; i < block.length; i++) {
      block[i] ^= 0x36; // inner pad
    }
    sha256.update(block);
    byte[] inner = sha256.digest(message);
    for (int i = 0; i < block.length; i++) {
      block[i] ^= 0x36 ^ 0x5c; // outer pad
    }
    sha256.update(block);
    return sha256.digest(inner);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
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

  /**
   * {@code text} with anything shaped like a key or an Authorization header redacted: a last line
   * of defence for messages that come from code which may have seen a key (the JDK's HTTP client
   * quotes a header value it refuses). Known keys are best removed first with {@link #scrub}.
   */
  public static String scrubKeyShapes(String text) {
    if (text == null) {
      return null;
    }
    String t = BEARER.matcher(text).replaceAll("Bearer (redacted)");
    return KEY_SHAPE.matcher(t).replaceAll(m -> Matcher.quoteReplacement(redact(m.group())));
  }

  /**
   * The redacted form of any string that may be a key. The last four characters are shown only when
   * they are printable ASCII (a control character would break the line it is printed on).
   */
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
    String tail = v.substring(v.length() - 4);
    return prefix + "…" + (tail.chars().allMatch(ApiKey::printable) ? tail : "");
  }

  /**
   * Why this key cannot be sent in an HTTP header, e.g. "a line break at character 31"; empty when
   * every character (once surrounding white space is dropped) is printable ASCII and no white
   * space. The reason never repeats the value.
   */
  public Optional<String> malformation() {
    return malformation(value);
  }

  /** Why {@code value} cannot be a key sent in an HTTP header (see {@link #malformation()}). */
  public static Optional<String> malformation(String value) {
    String v = value.strip();
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      if (printable(ch)) {
        continue;
      }
      String what;
      if (ch == '\n' || ch == '\r') {
        what = "a line break";
      } else if (Character.isWhitespace(ch) || Character.isSpaceChar(ch)) {
        what = "white space (U+%04X)".formatted((int) ch);
      } else if (Character.isISOControl(ch)) {
        what = "a control character (U+%04X)".formatted((int) ch);
      } else if (ch == '\u200B' || ch == '\uFEFF' || ch == '\u200C' || ch == '\u200D') {
        what = "an invisible character (U+%04X, often pasted with a key)".formatted((int) ch);
      } else {
        what = "a non-ASCII character (U+%04X)".formatted((int) ch);
      }
      return Optional.of(what + " at character " + (i + 1));
    }
    return Optional.empty();
  }

  private static boolean printable(int ch) {
    return ch > 0x20 && ch < 0x7F;
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
