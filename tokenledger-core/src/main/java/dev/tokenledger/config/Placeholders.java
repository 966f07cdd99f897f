package dev.tokenledger.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises values that were never filled in: {@code sk-your-key-here}, {@code sk-...}, {@code
 * <admin key>}, {@code changeme}, {@code ${OPENAI_KEY}}, or nothing at all. Real keys are long runs
 * of letters, digits, {@code -} and {@code _}, so these shapes never occur in one by chance.
 */
public final class Placeholders {
  /** Words that only a placeholder contains, as whole words between separators. */
  private static final Pattern PLACEHOLDER_WORD =
      Pattern.compile(
          "(^|[-_\\s])(your|here|changeme|change[-_]me|replace[-_]?me|placeholder|insert|todo|"
              + "xxx+)([-_\\s]|$)");

  private Placeholders() {}

  /**
   * Why {@code value} looks like a placeholder rather than a real value, e.g. "it contains the word
   * 'your'"; empty when it looks real. The reason never repeats the value.
   */
  public static Optional<String> reason(String value) {
    if (value == null || value.isBlank()) {
      return Optional.of("it is empty");
    }
    String v = value.strip();
    if (v.contains("...") || v.contains("…")) {
      return Optional.of("it contains '...'");
    }
    if (v.indexOf('<') >= 0 || v.indexOf('>') >= 0) {
      return Optional.of("it contains '<' or '>'");
    }
    if (v.startsWith("$")) {
      return Optional.of("it is an unexpanded variable reference ($...)");
    }
    var m = PLACEHOLDER_WORD.matcher(v.toLowerCase(Locale.ROOT));
    if (m.find()) {
      return Optional.of("it contains the word '" + m.group(2) + "'");
    }
    return Optional.empty();
  }

  /** Whether {@code value} looks like a placeholder ({@link #reason} is present). */
  public static boolean isPlaceholder(String value) {
    return reason(value).isPresent();
  }
}
