package dev.tokenledger.doctor;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.config.ConfigWarning;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.config.KeyClass;
import dev.tokenledger.config.Placeholders;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.config.UsageKey;
import dev.tokenledger.config.VariableOrigin;
import dev.tokenledger.openai.UsageKeyAdvice;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The doctor's checks that read the configuration only (1. configuration, 2. usage key class), with
 * what they learn for the checks that ask the API: the frameworks selected, the base URL and
 * whether the usage key is worth sending.
 */
final class ConfigurationChecks {
  private static final Pattern LEADING_VARIABLE = Pattern.compile("([A-Z][A-Z0-9_]+)\\b");
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
  private static final String CONFIGURATION_TITLE = Examination.CONFIGURATION_TITLE;
  private static final String USAGE_KEY_CLASS_TITLE = Examination.USAGE_KEY_CLASS_TITLE;
  private static final String ADMIN_KEYS_PAGE = UsageKeyAdvice.ADMIN_KEYS_PAGE;

  private final TokenLedgerConfig config;
  private final DoctorOptions options;
  private List<FrameworkKey> selected = List.of();
  private DoctorCheck selectionFailure;
  private URI baseUrl;
  private Optional<UsageKey> usageKey = Optional.empty();
  private boolean usageKeyForApi;

  /** Why the usage key cannot be used for the organization listing; null when it can. */
  private String usageKeyUnusable;

  ConfigurationChecks(TokenLedgerConfig config, DoctorOptions options) {
    this.config = config;
    this.options = options;
  }

  /** The framework keys to check: the one {@code --framework} names, or all. */
  List<FrameworkKey> selected() {
    return selected;
  }

  /** The failed check of a {@code --framework} that names no configured framework. */
  Optional<DoctorCheck> selectionFailure() {
    return Optional.ofNullable(selectionFailure);
  }

  /** The API base URL; empty when it is not a valid URL. */
  Optional<URI> baseUrl() {
    return Optional.ofNullable(baseUrl);
  }

  /** The usage key, unless there is none or it is a placeholder. */
  Optional<UsageKey> usageKey() {
    return usageKey;
  }

  /** Whether the usage key is sent to the API (an admin key, or one OpenAI should judge). */
  boolean usageKeyForApi() {
    return usageKeyForApi;
  }

  /** Why the usage key cannot be used; null when it can. */
  String usageKeyUnusable() {
    return usageKeyUnusable;
  }

  // ------------------------------------------------------------------ 1. configuration

  void selectFrameworks() {
    if (options.framework().isEmpty()) {
      selected = config.frameworkKeys();
      return;
    }
    String name = options.framework().get();
    try {
      selected = List.of(config.frameworkKey(name));
    } catch (ConfigurationException e) {
      // The name is echoed only when it cannot be a key pasted in the wrong place.
      String shown =
          SAFE_NAME.matcher(name.strip()).matches() && KeyClass.of(name) == KeyClass.UNKNOWN
              ? name.strip()
              : "?";
      selectionFailure =
          DoctorCheck.fail(
              DoctorCheck.FRAMEWORK_PREFIX + shown,
              "Framework " + shown,
              ExitCategory.CONFIGURATION,
              e.getMessage(),
              List.of(),
              List.of());
    }
  }

  DoctorCheck configurationCheck() {
    List<Problem> errors = new ArrayList<>();
    List<Problem> warnings = new ArrayList<>();
    List<String> facts = new ArrayList<>();
    facts.add(
        config
            .dotEnvFile()
            .map(f -> "read " + f.path())
            .orElse("no .env file in " + config.workingDirectory() + ", the environment only"));
    Optional<UsageKey> found = config.findUsageKey();
    facts.add(
        found
            .map(k -> "usage key in " + k.variable() + " (" + k.key().redacted() + ")")
            .orElse("no usage key"));
    List<FrameworkKey> all = config.frameworkKeys();
    facts.add(
        all.isEmpty()
            ? "no framework keys"
            : Phrases.plural(all.size(), "framework key")
                + ": "
                + all.stream().map(FrameworkKey::name).collect(Collectors.joining(", ")));
    if (found.isEmpty()) {
      try {
        config.usageKey();
      } catch (ConfigurationException e) {
        errors.add(Problem.of(e.getMessage(), null, ExitCategory.CONFIGURATION));
      }
    }
    try {
      baseUrl = config.baseUrl();
      baseUrlOrigin().ifPresent(o -> facts.add("OPENAI_BASE_URL " + baseUrl));
    } catch (ConfigurationException e) {
      errors.add(Problem.of(e.getMessage(), null, ExitCategory.CONFIGURATION));
    }
    for (ConfigWarning w : config.warnings()) {
      // The usage key's class and shared keys have checks of their own.
      if (w.kind() == ConfigWarning.Kind.USAGE_KEY_NOT_ADMIN
          || w.kind() == ConfigWarning.Kind.SHARED_KEY) {
        continue;
      }
      Problem p = Problem.of(w.message(), configFix(w), ExitCategory.CONFIGURATION);
      (w.severity() == ConfigWarning.Severity.ERROR ? errors : warnings).add(p);
    }
    if (all.isEmpty() && options.framework().isEmpty()) {
      warnings.add(
          Problem.of(
              "no framework keys are configured: per-framework accounting needs one key per"
                  + " framework",
              "set OPENAI_API_KEY_<NAME> to each framework's own project key, e.g."
                  + " OPENAI_API_KEY_CHATDEV",
              ExitCategory.CONFIGURATION));
    }
    usageKey = found.filter(k -> !Placeholders.isPlaceholder(k.key().revealForChildProcess()));
    String summary = String.join("; ", facts);
    if (!errors.isEmpty()) {
      List<Problem> rest = new ArrayList<>(errors.subList(1, errors.size()));
      rest.addAll(warnings);
      List<String> details = Problem.messages(rest);
      details.add(summary);
      return DoctorCheck.fail(
          DoctorCheck.CONFIGURATION,
          CONFIGURATION_TITLE,
          ExitCategory.CONFIGURATION,
          errors.get(0).message(),
          details,
          Problem.fixes(errors, warnings));
    }
    if (!warnings.isEmpty()) {
      return DoctorCheck.warn(
          DoctorCheck.CONFIGURATION,
          CONFIGURATION_TITLE,
          summary,
          Problem.messages(warnings),
          Problem.fixes(warnings));
    }
    return DoctorCheck.ok(DoctorCheck.CONFIGURATION, CONFIGURATION_TITLE, summary);
  }

  /** A warning's fix as a sentence that names the variable it is about. */
  private static String configFix(ConfigWarning w) {
    if (w.fix().isBlank()) {
      return null;
    }
    Matcher variable = LEADING_VARIABLE.matcher(w.message());
    return variable.lookingAt()
        ? variable.group(1) + ": " + w.fix()
        : Character.toUpperCase(w.fix().charAt(0)) + w.fix().substring(1);
  }

  Optional<VariableOrigin> baseUrlOrigin() {
    return baseUrl == null || baseUrl.toString().equals(TokenLedgerConfig.DEFAULT_BASE_URL)
        ? Optional.empty()
        : config.origin("OPENAI_BASE_URL");
  }

  // ------------------------------------------------------------------ 2. usage key class

  DoctorCheck usageKeyClassCheck() {
    String id = DoctorCheck.USAGE_KEY_CLASS;
    Optional<UsageKey> found = config.findUsageKey();
    if (found.isEmpty()) {
      usageKeyUnusable = "there is no usage key (see Configuration)";
      return DoctorCheck.skipped(id, USAGE_KEY_CLASS_TITLE, usageKeyUnusable);
    }
    if (usageKey.isEmpty()) {
      usageKeyUnusable =
          "the usage key in " + found.get().variable() + " is a placeholder (see Configuration)";
      return DoctorCheck.skipped(id, USAGE_KEY_CLASS_TITLE, usageKeyUnusable);
    }
    UsageKey k = usageKey.get();
    KeyClass keyClass = k.key().keyClass();
    String where = "found in " + k.variable() + " (from " + k.origin().describe() + ")";
    if (keyClass == KeyClass.ADMIN) {
      usageKeyForApi = true;
      return DoctorCheck.ok(
          id, USAGE_KEY_CLASS_TITLE, "admin key " + k.key().redacted() + " in " + k.variable());
    }
    if (keyClass == KeyClass.UNKNOWN) {
      usageKeyForApi = true;
      return DoctorCheck.warn(
          id,
          USAGE_KEY_CLASS_TITLE,
          k.variable()
              + " holds "
              + k.key().redacted()
              + ", which does not look like an OpenAI admin key (sk-admin-…)",
          List.of(where),
          createAdminKey(k));
    }
    // Not an admin key: OpenAI will refuse it, but its own answer is worth seeing (a
    // service-account
    // key with api.usage.read is what genai-devbench's guide suggested): ask anyway.
    usageKeyForApi = true;
    List<String> details = new ArrayList<>(UsageKeyAdvice.why(keyClass));
    details.add(where);
    details.add("The next check asks OpenAI anyway and shows its answer.");
    return DoctorCheck.warn(
        id,
        USAGE_KEY_CLASS_TITLE,
        k.variable()
            + " holds a "
            + keyClass.description()
            + " ("
            + k.key().redacted()
            + "): only admin keys (sk-admin-…) can read the organization's usage",
        details,
        createAdminKey(k));
  }

  private List<String> createAdminKey(UsageKey k) {
    return List.of(
        "As an organization owner, create an admin key with the scopes api.usage.read and"
            + " api.organization.read ("
            + ADMIN_KEYS_PAGE
            + ").",
        "Put it "
            + placement(k)
            + " in place of this key; if this key belongs to a framework, move it to"
            + " OPENAI_API_KEY_<NAME>.");
  }

  /** Where a replacement usage key goes: the file and name doctor found the current one under. */
  static String placement(UsageKey k) {
    return k.origin()
        .file()
        .map(f -> "in " + f + " as " + k.variable())
        .orElse("in the environment as " + k.variable() + " (where doctor found this one)");
  }
}
