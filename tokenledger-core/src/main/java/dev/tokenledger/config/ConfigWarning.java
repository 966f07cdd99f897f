package dev.tokenledger.config;

import dev.tokenledger.Require;

/**
 * Something about the configuration a person should know, returned as data for the CLI to print:
 * what is wrong and what to do. Messages never contain a key, only its redacted form.
 *
 * @param kind what the warning is about
 * @param message one line saying what is wrong, naming the variable and where it was set
 * @param fix one line saying what to do about it
 */
public record ConfigWarning(Kind kind, String message, String fix) {

  /** How much a warning matters to {@code doctor}. */
  public enum Severity {
    /** Worth knowing; nothing is wrong. */
    INFO,
    /** Works, but risky or surprising. */
    WARNING,
    /** Accounting cannot work as configured. */
    ERROR
  }

  /** What a warning is about. */
  public enum Kind {
    /** The {@code .env} file holds keys and can be read by other users. */
    ENV_FILE_READABLE_BY_OTHERS(Severity.WARNING),
    /** A line of the {@code .env} file is not an assignment and was ignored. */
    ENV_FILE_LINE_IGNORED(Severity.WARNING),
    /** A variable is assigned more than once in the {@code .env} file; the last one wins. */
    ENV_FILE_DUPLICATE(Severity.WARNING),
    /** A variable set in both the environment and the {@code .env} file: the environment wins. */
    SHADOWED_BY_ENVIRONMENT(Severity.INFO),
    /** A key variable holds a placeholder such as {@code sk-your-key} or nothing at all. */
    PLACEHOLDER_VALUE(Severity.ERROR),
    /** The usage key comes from a legacy variable name; it works. */
    LEGACY_USAGE_KEY_NAME(Severity.INFO),
    /** A setting comes from genai-devbench's name for it; it works. */
    LEGACY_SETTING_NAME(Severity.INFO),
    /** A setting was below tokenledger's floor and is raised to it. */
    SETTING_RAISED(Severity.WARNING),
    /** The usage key is not an admin key, so it cannot read organization usage. */
    USAGE_KEY_NOT_ADMIN(Severity.ERROR),
    /** Two frameworks, or a framework and the usage key, share one key. */
    SHARED_KEY(Severity.ERROR),
    /** An {@code OPENAI_API_KEY_<FW>_ID} that is not a key id, or has no key beside it. */
    KEY_ID_SUSPICIOUS(Severity.WARNING);

    private final Severity severity;

    Kind(Severity severity) {
      this.severity = severity;
    }

    /** How much this kind of warning matters. */
    public Severity severity() {
      return severity;
    }
  }

  public ConfigWarning {
    Require.nonNull("kind message fix", kind, message, fix);
  }

  /** The warning's severity, from its kind. */
  public Severity severity() {
    return kind.severity();
  }
}
