package dev.tokenledger.config;

import java.util.Optional;

/**
 * Every environment variable tokenledger reads (from the environment or {@code .env}), with its
 * default and what it is for: the list the README's configuration table is made from.
 */
public enum Setting {
  OPENAI_ADMIN_KEY(
      "OPENAI_ADMIN_KEY",
      null,
      null,
      true,
      "Usage key: an admin key (sk-admin-…) with the api.usage.read scope, and"
          + " api.organization.read to resolve key ids and names. The name the OpenAI SDKs use."),
  OPENAI_API_KEY_USAGE_TRACKING(
      "OPENAI_API_KEY_USAGE_TRACKING",
      null,
      null,
      true,
      "Usage key under an older name; read when OPENAI_ADMIN_KEY is not set."),
  OPEN_AI_KEY_ADM(
      "OPEN_AI_KEY_ADM",
      null,
      null,
      true,
      "Usage key under a legacy name; read when neither of the above is set."),
  OPENAI_API_KEY_FRAMEWORK(
      "OPENAI_API_KEY_<FRAMEWORK>",
      null,
      null,
      true,
      "A framework's own key, e.g. OPENAI_API_KEY_CHATDEV (upper-case letters, digits, _);"
          + " handed to the framework's process as OPENAI_API_KEY."),
  OPENAI_API_KEY_FRAMEWORK_ID(
      "OPENAI_API_KEY_<FRAMEWORK>_ID",
      null,
      "resolved through the API",
      false,
      "The id (key_…) of that framework's key; doctor --write-ids writes it."),
  OPENAI_BASE_URL(
      "OPENAI_BASE_URL",
      TokenLedgerConfig.DEFAULT_BASE_URL,
      null,
      false,
      "The OpenAI API base URL, as the official SDKs read it."),
  TOKENLEDGER_DB(
      "TOKENLEDGER_DB",
      TokenLedgerConfig.DEFAULT_DATABASE,
      null,
      false,
      "The ledger: a SQLite file (relative to the working directory) or a JDBC URL"
          + " (jdbc:postgresql://…); --db overrides it."),
  TOKENLEDGER_PRICES(
      "TOKENLEDGER_PRICES",
      null,
      "the packaged LiteLLM snapshot",
      false,
      "A LiteLLM price file (replaces the packaged table) or a small override file with the same"
          + " field names (laid over it); --prices overrides it."),
  TOKENLEDGER_MIN_AGE(
      "TOKENLEDGER_MIN_AGE",
      "1h",
      null,
      false,
      "reconcile: a run that ended less than this long ago stays pending (30s, 10m, 2h, 1d);"
          + " --min-age overrides it."),
  TOKENLEDGER_STABLE_READS(
      "TOKENLEDGER_STABLE_READS",
      "3",
      null,
      false,
      "reconcile: how many consecutive identical reads make a run final; --stable-reads"
          + " overrides it."),
  TOKENLEDGER_INTERVAL(
      "TOKENLEDGER_INTERVAL",
      "5m",
      null,
      false,
      "reconcile: how far apart identical reads must be to count, and how often --watch reads;"
          + " --interval overrides it."),
  TOKENLEDGER_PROXY(
      "TOKENLEDGER_PROXY",
      TokenLedgerConfig.DEFAULT_PROXY,
      null,
      false,
      "Where 'tokenledger proxy' listens, for 'run start --meter' and 'run step start --meter'"
          + " to build a run's metered base URL; --proxy overrides it."),
  RECONCILIATION_MIN_STABLE_VERIFICATIONS(
      "RECONCILIATION_MIN_STABLE_VERIFICATIONS",
      null,
      "TOKENLEDGER_STABLE_READS's",
      false,
      "genai-devbench's name for TOKENLEDGER_STABLE_READS, read when that is not set."),
  RECONCILIATION_VERIFICATION_INTERVAL_MIN(
      "RECONCILIATION_VERIFICATION_INTERVAL_MIN",
      null,
      "TOKENLEDGER_INTERVAL's",
      false,
      "genai-devbench's name for TOKENLEDGER_INTERVAL, in minutes (5 → 5m, 0.5 → 30s), read"
          + " when that is not set; under 1 s it is raised to 1 s, with a warning.");

  private final String variable;
  private final String defaultValue;
  private final String defaultDescription;
  private final boolean secret;
  private final String description;

  Setting(
      String variable,
      String defaultValue,
      String defaultDescription,
      boolean secret,
      String description) {
    this.variable = variable;
    this.defaultValue = defaultValue;
    this.defaultDescription = defaultDescription;
    this.secret = secret;
    this.description = description;
  }

  /** The variable's name, or its pattern with {@code <FRAMEWORK>} for per-framework variables. */
  public String variable() {
    return variable;
  }

  /** The value used when the variable is not set; empty when there is none. */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The default as the README shows it: the value, what happens instead, or "none". */
  public String defaultDescription() {
    if (defaultDescription != null) {
      return defaultDescription;
    }
    return defaultValue == null ? "none" : defaultValue;
  }

  /** Whether the variable holds a key, whose value is never shown. */
  public boolean secret() {
    return secret;
  }

  /** What the variable is for. */
  public String description() {
    return description;
  }

  /**
   * The setting this one is another project's name for ({@code RECONCILIATION_…} → {@code
   * TOKENLEDGER_…}); empty for tokenledger's own.
   */
  public Optional<Setting> aliasOf() {
    return switch (this) {
      case RECONCILIATION_MIN_STABLE_VERIFICATIONS -> Optional.of(TOKENLEDGER_STABLE_READS);
      case RECONCILIATION_VERIFICATION_INTERVAL_MIN -> Optional.of(TOKENLEDGER_INTERVAL);
      default -> Optional.empty();
    };
  }

  /** Whether this is a pattern for a family of variables rather than one variable. */
  public boolean isPattern() {
    return variable.contains("<");
  }
}
