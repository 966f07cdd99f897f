package dev.tokenledger.config;

import dev.tokenledger.ConfigurationException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * tokenledger's configuration (docs/design.md §1): the usage key, the framework keys, the base URL
 * and the {@code TOKENLEDGER_*} settings, read from an injected environment map and the {@code
 * .env} file of a working directory, with where each value came from. Variables already in the
 * environment win over the file. Problems that do not stop a command are returned by {@link
 * #warnings()} for the caller to print; nothing here prints or reads {@code System.getenv}.
 */
public final class TokenLedgerConfig {
  /** The OpenAI API base URL used when {@code OPENAI_BASE_URL} is not set. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  /** Where {@code tokenledger proxy} listens by default. */
  public static final String DEFAULT_PROXY = "http://127.0.0.1:8790";

  /** The ledger used when {@code TOKENLEDGER_DB} is not set, relative to the working directory. */
  public static final String DEFAULT_DATABASE = ".tokenledger/ledger.db";

  /** The variables the usage key is looked for in, in this order. */
  public static final List<String> USAGE_KEY_VARIABLES =
      List.of("OPENAI_ADMIN_KEY", "OPENAI_API_KEY_USAGE_TRACKING", "OPEN_AI_KEY_ADM");

  static final String FRAMEWORK_PREFIX = "OPENAI_API_KEY_";
  static final Pattern FRAMEWORK_VARIABLE = Pattern.compile("OPENAI_API_KEY_([A-Z0-9_]+)");
  private static final Pattern FRAMEWORK_NAME = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern KEY_ID = Pattern.compile("key_[A-Za-z0-9]+");
  static final String USAGE_SCOPE_HINT = "an admin key with the api.usage.read scope";
  static final String CREATE_ADMIN_KEY =
      "as an organization owner, create an admin key with the api.usage.read scope"
          + " (OpenAI dashboard, Organization settings, Admin keys) and put it in ";

  private final Path workingDirectory;
  private final ConfigOptions options;
  // Package-private: ConfigWarnings reads them.
  final Optional<DotEnvFile> dotEnv;
  final Map<String, String> values;
  final Map<String, VariableOrigin> origins;
  private final List<ConfigWarning> warnings;

  private TokenLedgerConfig(
      Path workingDirectory,
      ConfigOptions options,
      Optional<DotEnvFile> dotEnv,
      Map<String, String> values,
      Map<String, VariableOrigin> origins) {
    this.workingDirectory = workingDirectory;
    this.options = options;
    this.dotEnv = dotEnv;
    this.values = values;
    this.origins = origins;
    refuseMalformedKeys();
    this.warnings = List.copyOf(new ConfigWarnings(this).collect());
  }

  /**
   * A key that could not travel in an HTTP header (a line break, an invisible or non-ASCII
   * character, pasted with it) is refused here, named only by its variable and redacted form,
   * before any command can send it.
   */
  private void refuseMalformedKeys() {
    List<String> variables = new ArrayList<>(frameworkVariables());
    usageKeyVariables().stream()
        .filter(v -> values.get(v) != null && !values.get(v).isBlank())
        .findFirst()
        .ifPresent(v -> variables.add(0, v));
    for (String variable : variables) {
      String value = values.get(variable);
      if (value.isBlank() || Placeholders.isPlaceholder(value)) {
        continue; // reported as empty or as a placeholder where the key is needed
      }
      Optional<String> malformed = ApiKey.malformation(value);
      if (malformed.isPresent()) {
        throw new ConfigurationException(
            variable
                + " (from "
                + origins.get(variable).describe()
                + ") is not a usable key ("
                + ApiKey.redact(value)
                + "): it contains "
                + malformed.get()
                + "; copy the key again (printable ASCII, no spaces or line breaks) and put it"
                + " there");
      }
    }
  }

  /** Loads the configuration with no command-line options. */
  public static TokenLedgerConfig load(Map<String, String> environment, Path workingDirectory) {
    return load(environment, workingDirectory, ConfigOptions.DEFAULTS);
  }

  /**
   * Loads the configuration: the {@code .env} file ({@code --env-file}, or {@code .env} in {@code
   * workingDirectory} if it is a file), overlaid by {@code environment}.
   *
   * @param environment the process environment (pass {@code System.getenv()} from {@code main})
   * @param workingDirectory where {@code .env} and relative paths are looked up
   * @throws ConfigurationException when {@code --env-file} does not exist, the file cannot be read
   *     or parsed, or {@code --admin-key-env} is not a variable name
   */
  public static TokenLedgerConfig load(
      Map<String, String> environment, Path workingDirectory, ConfigOptions options) {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(options, "options");
    Path wd = workingDirectory.toAbsolutePath().normalize();
    options
        .adminKeyEnv()
        .ifPresent(
            name -> {
              if (!VARIABLE_NAME.matcher(name).matches()) {
                // Never echo it: people pass the key itself here by mistake.
                throw new ConfigurationException(
                    "--admin-key-env takes the name of the variable that holds the usage key"
                        + " (letters, digits and _, such as MY_ADMIN_KEY), not the key itself");
              }
            });
    Optional<DotEnvFile> dotEnv = readDotEnv(wd, options);
    Map<String, String> values = new HashMap<>();
    Map<String, VariableOrigin> origins = new HashMap<>();
    dotEnv.ifPresent(
        file ->
            file.variableNames()
                .forEach(
                    name -> {
                      values.put(name, file.value(name).orElseThrow());
                      origins.put(
                          name,
                          VariableOrigin.fileLine(file.path(), file.line(name).orElseThrow()));
                    }));
    environment.forEach(
        (name, value) -> {
          values.put(name, value);
          origins.put(name, VariableOrigin.ENVIRONMENT);
        });
    return new TokenLedgerConfig(
        wd,
        options,
        dotEnv,
        Collections.unmodifiableMap(values),
        Collections.unmodifiableMap(origins));
  }

  private static Optional<DotEnvFile> readDotEnv(Path wd, ConfigOptions options) {
    if (options.envFile().isPresent()) {
      Path file = wd.resolve(options.envFile().get()).normalize();
      if (!Files.isRegularFile(file)) {
        throw new ConfigurationException(
            "env file "
                + file
                + " (given by --env-file) "
                + (Files.exists(file) ? "is not a regular file" : "does not exist")
                + ": check the path, or leave --env-file out to read ./.env");
      }
      return Optional.of(DotEnvFile.read(file));
    }
    Path file = wd.resolve(".env");
    // A directory named .env is often a Python virtual environment: not ours to read.
    return Files.isRegularFile(file) ? Optional.of(DotEnvFile.read(file)) : Optional.empty();
  }

  /** The directory {@code .env} and relative paths are looked up in, absolute. */
  public Path workingDirectory() {
    return workingDirectory;
  }

  /** The command-line options this configuration was loaded with. */
  public ConfigOptions options() {
    return options;
  }

  /** The {@code .env} file that was read, if any. */
  public Optional<DotEnvFile> dotEnvFile() {
    return dotEnv;
  }

  /** Where {@code variable}'s value came from; empty when it is not set. */
  public Optional<VariableOrigin> origin(String variable) {
    return Optional.ofNullable(origins.get(variable));
  }

  /** The variables the usage key is looked for in: {@code --admin-key-env}'s alone, if given. */
  public List<String> usageKeyVariables() {
    return options.adminKeyEnv().map(List::of).orElse(USAGE_KEY_VARIABLES);
  }

  /**
   * The usage key from the first of {@link #usageKeyVariables()} that is set and not empty, even
   * when it looks like a placeholder (see {@link #warnings()}); empty when there is none.
   */
  public Optional<UsageKey> findUsageKey() {
    for (String variable : usageKeyVariables()) {
      String value = values.get(variable);
      if (value != null && !value.isBlank()) {
        return Optional.of(new UsageKey(ApiKey.of(value), variable, origins.get(variable)));
      }
    }
    return Optional.empty();
  }

  /**
   * The usage key, for calls to {@code /v1/organization/*}.
   *
   * @throws ConfigurationException naming every variable looked at when none is set, or the
   *     variable when its value is a placeholder
   */
  public UsageKey usageKey() {
    Optional<UsageKey> found = findUsageKey();
    if (found.isEmpty()) {
      throw new ConfigurationException(missingUsageKeyMessage());
    }
    UsageKey key = found.get();
    Optional<String> placeholder = Placeholders.reason(key.key().revealForChildProcess());
    if (placeholder.isPresent()) {
      throw new ConfigurationException(
          key.variable()
              + " (from "
              + key.origin().describe()
              + ") looks like a placeholder, not a key ("
              + placeholder.get()
              + "): set it to "
              + USAGE_SCOPE_HINT);
    }
    return key;
  }

  private String missingUsageKeyMessage() {
    List<String> empty =
        usageKeyVariables().stream().filter(values::containsKey).collect(Collectors.toList());
    String emptyNote = empty.isEmpty() ? "" : " (" + String.join(", ", empty) + " set but empty)";
    if (options.adminKeyEnv().isPresent()) {
      String name = options.adminKeyEnv().get();
      return "no usage key found: "
          + name
          + " (named by --admin-key-env) is not set"
          + emptyNote
          + ": set it in the environment or in "
          + envFileHint()
          + " to "
          + USAGE_SCOPE_HINT;
    }
    List<String> names = usageKeyVariables();
    return "no usage key found"
        + emptyNote
        + ": set "
        + names.get(0)
        + " (or "
        + String.join(", ", names.subList(1, names.size()))
        + ") in the environment or in "
        + envFileHint()
        + " to "
        + USAGE_SCOPE_HINT;
  }

  private String envFileHint() {
    return dotEnv.map(f -> f.path().toString()).orElse("a .env file in " + workingDirectory);
  }

  /**
   * Every framework key ({@code OPENAI_API_KEY_<FW>} with a value), sorted by framework name. Ids
   * that look like placeholders or keys are left out, so they get resolved through the API.
   */
  public List<FrameworkKey> frameworkKeys() {
    Map<String, FrameworkKey> byName = new TreeMap<>();
    for (String variable : frameworkVariables()) {
      String value = values.get(variable);
      if (!value.isBlank()) {
        FrameworkKey key = frameworkKey(variable, value);
        byName.put(key.name(), key);
      }
    }
    return List.copyOf(byName.values());
  }

  /**
   * The key id of every framework whose {@code OPENAI_API_KEY_<FW>_ID} holds one ({@code key_…}),
   * by lower-case framework name, whether or not its key is set: reading usage needs only the id.
   */
  public Map<String, String> frameworkKeyIds() {
    Map<String, String> ids = new TreeMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String variable = e.getKey();
      if (!variable.endsWith("_ID")) {
        continue;
      }
      Matcher m = FRAMEWORK_VARIABLE.matcher(variable.substring(0, variable.length() - 3));
      String id = e.getValue().strip();
      if (m.matches() && !m.group(1).equals("USAGE_TRACKING") && KEY_ID.matcher(id).matches()) {
        ids.put(m.group(1).toLowerCase(Locale.ROOT), id);
      }
    }
    return ids;
  }

  /**
   * The key of one framework, by name ({@code chatdev}, {@code ChatDev} and {@code chat-dev} →
   * {@code OPENAI_API_KEY_CHATDEV} / {@code OPENAI_API_KEY_CHAT_DEV}).
   *
   * @throws ConfigurationException naming the variable to set when there is no key
   */
  public FrameworkKey frameworkKey(String name) {
    String variable = frameworkVariable(name);
    String value = values.get(variable);
    if (value == null) {
      List<String> known = frameworkKeys().stream().map(FrameworkKey::name).toList();
      throw new ConfigurationException(
          "no key for framework "
              + name.strip()
              + ": set "
              + variable
              + " in the environment or in "
              + envFileHint()
              + " to that framework's OpenAI key"
              + (known.isEmpty()
                  ? " (no framework keys are configured)"
                  : " (frameworks configured: " + String.join(", ", known) + ")"));
    }
    if (value.isBlank()) {
      throw new ConfigurationException(
          variable
              + " is set but empty (in "
              + origins.get(variable).describe()
              + "): put the framework's OpenAI key there");
    }
    return frameworkKey(variable, value);
  }

  /**
   * The variable that holds a framework's key: {@code OPENAI_API_KEY_} and the name in upper case,
   * {@code -} turned into {@code _}.
   *
   * @throws ConfigurationException when the name has other characters than letters, digits, _, -
   */
  public static String frameworkVariable(String name) {
    String n = Objects.requireNonNull(name, "name").strip();
    // Neither case is echoed: the name may be a key pasted in the wrong place.
    if (!FRAMEWORK_NAME.matcher(n).matches()) {
      throw new ConfigurationException(
          "a framework name is letters, digits, '_' and '-', such as chatdev");
    }
    if (KeyClass.of(n) != KeyClass.UNKNOWN) {
      throw new ConfigurationException(
          "that framework name looks like an API key: give the framework's name, such as"
              + " chatdev, and put its key in OPENAI_API_KEY_<NAME>");
    }
    return FRAMEWORK_PREFIX + n.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  List<String> frameworkVariables() {
    List<String> names = new ArrayList<>();
    for (String variable : values.keySet()) {
      Matcher m = FRAMEWORK_VARIABLE.matcher(variable);
      if (m.matches() && !variable.endsWith("_ID") && !m.group(1).equals("USAGE_TRACKING")) {
        names.add(variable);
      }
    }
    Collections.sort(names);
    return names;
  }

  private FrameworkKey frameworkKey(String variable, String value) {
    String name = variable.substring(FRAMEWORK_PREFIX.length()).toLowerCase(Locale.ROOT);
    Optional<String> keyId =
        Optional.ofNullable(values.get(variable + "_ID"))
            .map(String::strip)
            // A placeholder, or a key put there by mistake, is no id: resolve it instead.
            .filter(id -> !Placeholders.isPlaceholder(id) && KeyClass.of(id) == KeyClass.UNKNOWN);
    return new FrameworkKey(name, ApiKey.of(value), keyId, variable, origins.get(variable));
  }

  /**
   * The OpenAI API base URL from {@code OPENAI_BASE_URL} (default {@value #DEFAULT_BASE_URL}),
   * without a trailing slash.
   *
   * @throws ConfigurationException when it is not an http or https URL
   */
  public URI baseUrl() {
    String raw = values.getOrDefault("OPENAI_BASE_URL", "").strip();
    if (raw.isEmpty()) {
      return URI.create(DEFAULT_BASE_URL);
    }
    String url = raw;
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri = null;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // reported below
    }
    boolean valid =
        uri != null
            && uri.getScheme() != null
            && (uri.getScheme().equalsIgnoreCase("http")
                || uri.getScheme().equalsIgnoreCase("https"))
            && uri.getHost() != null
            && uri.getRawUserInfo() == null
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null;
    if (!valid) {
      String shown =
          KeyClass.of(raw) == KeyClass.UNKNOWN && raw.indexOf('@') < 0
              ? "\"" + raw + "\""
              : "a value that is not a URL";
      throw new ConfigurationException(
          "OPENAI_BASE_URL (from "
              + origins.get("OPENAI_BASE_URL").describe()
              + ") must be an http(s) URL such as "
              + DEFAULT_BASE_URL
              + ", was "
              + shown);
    }
    return uri;
  }

  /**
   * The value of a setting: from the environment or {@code .env} when set and not empty, else its
   * default; empty when neither exists.
   *
   * @throws IllegalArgumentException for a key variable or a per-framework pattern: use {@link
   *     #usageKey()} and {@link #frameworkKey(String)}
   */
  public Optional<String> value(Setting setting) {
    if (setting.secret() || setting.isPattern()) {
      throw new IllegalArgumentException(
          setting.variable() + " is read through usageKey() or frameworkKey(), not value()");
    }
    String v = values.get(setting.variable());
    if (v != null && !v.isBlank()) {
      return Optional.of(v.strip());
    }
    for (Setting legacy : Setting.values()) {
      if (legacy.aliasOf().filter(setting::equals).isPresent() && isSet(legacy)) {
        return Optional.of(fromLegacy(legacy));
      }
    }
    return setting.defaultValue();
  }

  /**
   * The shortest interval tokenledger reads usage at: one second. A legacy setting below it is
   * raised to it.
   */
  public static final Duration INTERVAL_FLOOR = Duration.ofSeconds(1);

  boolean isSet(Setting setting) {
    String v = values.get(setting.variable());
    return v != null && !v.isBlank();
  }

  /**
   * A legacy setting's value as its tokenledger setting writes it: stable reads as they are, an
   * interval in minutes as seconds ({@code 0.5} → {@code 30s}), at least {@link #INTERVAL_FLOOR}.
   *
   * @throws ConfigurationException when it is not a number
   */
  String fromLegacy(Setting legacy) {
    String v = values.get(legacy.variable()).strip();
    if (legacy == Setting.RECONCILIATION_VERIFICATION_INTERVAL_MIN) {
      return legacyInterval(v).getSeconds() + "s";
    }
    return v;
  }

  private Duration legacyInterval(String v) {
    BigDecimal minutes;
    try {
      minutes = new BigDecimal(v);
    } catch (NumberFormatException e) {
      minutes = null;
    }
    if (minutes == null || minutes.signum() < 0) {
      throw new ConfigurationException(
          Setting.RECONCILIATION_VERIFICATION_INTERVAL_MIN.variable()
              + "='"
              + v
              + "' (from "
              + origins.get(Setting.RECONCILIATION_VERIFICATION_INTERVAL_MIN.variable()).describe()
              + ") is not a number of minutes: write it as 5 or 0.5, or set TOKENLEDGER_INTERVAL"
              + " (30s, 5m) instead");
    }
    long seconds =
        minutes.multiply(BigDecimal.valueOf(60)).setScale(0, RoundingMode.DOWN).longValue();
    return Duration.ofSeconds(Math.max(seconds, INTERVAL_FLOOR.getSeconds()));
  }

  /**
   * The ledger from {@code TOKENLEDGER_DB} or the default: a JDBC URL as given, or a file path made
   * absolute against the working directory.
   */
  public String database() {
    String db = value(Setting.TOKENLEDGER_DB).orElseThrow();
    return db.startsWith("jdbc:") ? db : workingDirectory.resolve(db).normalize().toString();
  }

  /** The metering proxy's origin from {@code TOKENLEDGER_PROXY}, or the default. */
  public URI proxyUrl() {
    String text = value(Setting.TOKENLEDGER_PROXY).orElseThrow();
    try {
      return proxyOrigin(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("TOKENLEDGER_PROXY " + e.getMessage());
    }
  }

  /**
   * Reads the origin of a tokenledger proxy, {@code http://HOST:PORT} (a trailing {@code /} aside,
   * nothing after the port).
   *
   * @throws IllegalArgumentException naming what is wrong and the form expected
   */
  public static URI proxyOrigin(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      uri = null;
    }
    boolean ok =
        uri != null
            && "http".equalsIgnoreCase(uri.getScheme())
            && uri.getHost() != null
            && uri.getPort() >= 1
            && uri.getPort() <= 65535
            && uri.getRawUserInfo() == null
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null
            && (uri.getRawPath() == null
                || uri.getRawPath().isEmpty()
                || uri.getRawPath().equals("/"));
    if (!ok) {
      throw new IllegalArgumentException(
          "is '"
              + text
              + "', not the address of a tokenledger proxy: write it as http://HOST:PORT, nothing"
              + " after the port (what 'tokenledger proxy' prints, default "
              + DEFAULT_PROXY
              + ")");
    }
    return URI.create("http://" + uri.getRawAuthority());
  }

  /** The price file from {@code TOKENLEDGER_PRICES}, made absolute; empty for the packaged one. */
  public Optional<Path> pricesFile() {
    return value(Setting.TOKENLEDGER_PRICES).map(p -> workingDirectory.resolve(p).normalize());
  }

  /** What a person should know about this configuration, for the CLI to print. */
  public List<ConfigWarning> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return "TokenLedgerConfig["
        + workingDirectory
        + dotEnv.map(f -> ", " + f.path()).orElse("")
        + ", "
        + frameworkKeys().size()
        + " framework keys]";
  }
}
