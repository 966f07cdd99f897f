package dev.tokenledger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.tokenledger.ConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenLedgerConfigTest {
  static final String ADMIN_KEY = "sk-admin-test-canary-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1234";
  static final String OTHER_ADMIN_KEY = "sk-admin-test-canary-dddddddddddddddddddddddddddddddd7777";
  static final String CHATDEV_KEY = "sk-proj-test-canary-chatdev-bbbbbbbbbbbbbbbbbbbbbbbbbbb5678";
  static final String BAES_KEY = "sk-svcacct-test-canary-baes-ccccccccccccccccccccccccccc9012";

  @TempDir Path wd;

  private TokenLedgerConfig load(Map<String, String> env) {
    return TokenLedgerConfig.load(env, wd);
  }

  private Path dotEnv(String content) throws IOException {
    Path file = wd.resolve(".env");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static List<ConfigWarning.Kind> kinds(TokenLedgerConfig config) {
    return config.warnings().stream().map(ConfigWarning::kind).toList();
  }

  // --- usage key ---

  @Test
  void usageKeyComesFromTheFirstVariableThatIsSet() {
    TokenLedgerConfig config =
        load(
            Map.of("OPEN_AI_KEY_ADM", OTHER_ADMIN_KEY, "OPENAI_API_KEY_USAGE_TRACKING", ADMIN_KEY));
    UsageKey key = config.usageKey();
    assertThat(key.variable()).isEqualTo("OPENAI_API_KEY_USAGE_TRACKING");
    assertThat(key.key()).isEqualTo(ApiKey.of(ADMIN_KEY));
    assertThat(key.origin()).isEqualTo(VariableOrigin.ENVIRONMENT);

    assertThat(load(Map.of("OPEN_AI_KEY_ADM", ADMIN_KEY)).usageKey().variable())
        .isEqualTo("OPEN_AI_KEY_ADM");
    assertThat(
            load(Map.of("OPENAI_ADMIN_KEY", ADMIN_KEY, "OPEN_AI_KEY_ADM", OTHER_ADMIN_KEY))
                .usageKey()
                .variable())
        .isEqualTo("OPENAI_ADMIN_KEY");
  }

  @Test
  void usageKeyIsReadFromDotEnvWithItsLine() throws IOException {
    Path file = dotEnv("# fake keys\nexport OPENAI_ADMIN_KEY=" + ADMIN_KEY + "\n");
    TokenLedgerConfig config = load(Map.of());
    assertThat(config.dotEnvFile().map(DotEnvFile::path)).contains(file);
    assertThat(config.usageKey().origin()).isEqualTo(VariableOrigin.fileLine(file, 2));
    assertThat(config.usageKey().origin().describe()).isEqualTo(file + ":2");
    assertThat(config.origin("OPENAI_ADMIN_KEY")).contains(VariableOrigin.fileLine(file, 2));
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void theEnvironmentWinsOverDotEnvAndSaysSo() throws IOException {
    Path file = dotEnv("OPENAI_ADMIN_KEY=" + OTHER_ADMIN_KEY + "\n");
    TokenLedgerConfig config = load(Map.of("OPENAI_ADMIN_KEY", ADMIN_KEY));
    assertThat(config.usageKey().key()).isEqualTo(ApiKey.of(ADMIN_KEY));
    assertThat(config.usageKey().origin().isEnvironment()).isTrue();
    assertThat(config.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.kind()).isEqualTo(ConfigWarning.Kind.SHADOWED_BY_ENVIRONMENT);
              assertThat(w.message())
                  .isEqualTo(
                      "OPENAI_ADMIN_KEY is set both in the environment and in "
                          + file
                          + ":1; the environment's value is used");
            });
  }

  @Test
  void aMissingUsageKeyNamesEveryVariableLookedAtAndTheFix() {
    assertThatThrownBy(() -> load(Map.of("PATH", "/usr/bin")).usageKey())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "no usage key found: set OPENAI_ADMIN_KEY (or OPENAI_API_KEY_USAGE_TRACKING,"
                + " OPEN_AI_KEY_ADM) in the environment or in a .env file in "
                + wd.toAbsolutePath().normalize()
                + " to an admin key with the api.usage.read scope");
  }

  @Test
  void aMissingUsageKeyNamesTheDotEnvFileThatWasRead() throws IOException {
    Path file = dotEnv("OPENAI_ADMIN_KEY=\n");
    assertThatThrownBy(() -> load(Map.of()).usageKey())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "no usage key found (OPENAI_ADMIN_KEY set but empty): set OPENAI_ADMIN_KEY (or"
                + " OPENAI_API_KEY_USAGE_TRACKING, OPEN_AI_KEY_ADM) in the environment or in "
                + file
                + " to an admin key with the api.usage.read scope");
  }

  @Test
  void anEmptyUsageVariableIsSkippedWithAWarning() {
    TokenLedgerConfig config = load(Map.of("OPENAI_ADMIN_KEY", "", "OPEN_AI_KEY_ADM", ADMIN_KEY));
    assertThat(config.usageKey().variable()).isEqualTo("OPEN_AI_KEY_ADM");
    assertThat(config.warnings())
        .extracting(ConfigWarning::kind, ConfigWarning::message)
        .contains(
            tuple(
                ConfigWarning.Kind.PLACEHOLDER_VALUE,
                "OPENAI_ADMIN_KEY (from environment) looks like a placeholder, not a key: it is"
                    + " empty"));
  }

  @Test
  void adminKeyEnvNamesTheOnlyVariableRead() {
    Map<String, String> env = Map.of("OPENAI_ADMIN_KEY", OTHER_ADMIN_KEY, "MY_KEY", ADMIN_KEY);
    TokenLedgerConfig config =
        TokenLedgerConfig.load(env, wd, ConfigOptions.DEFAULTS.withAdminKeyEnv("MY_KEY"));
    assertThat(config.usageKey().variable()).isEqualTo("MY_KEY");
    assertThat(config.usageKey().key()).isEqualTo(ApiKey.of(ADMIN_KEY));
    assertThat(config.usageKeyVariables()).containsExactly("MY_KEY");
    assertThat(kinds(config)).doesNotContain(ConfigWarning.Kind.LEGACY_USAGE_KEY_NAME);

    TokenLedgerConfig unset =
        TokenLedgerConfig.load(
            Map.of("OPENAI_ADMIN_KEY", ADMIN_KEY),
            wd,
            ConfigOptions.DEFAULTS.withAdminKeyEnv("MY_KEY"));
    assertThatThrownBy(unset::usageKey)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            "no usage key found: MY_KEY (named by --admin-key-env) is not set: set it in the"
                + " environment or in ");
  }

  @Test
  void adminKeyEnvGivenAKeyInsteadOfANameDoesNotRepeatIt() {
    assertThatThrownBy(
            () ->
                TokenLedgerConfig.load(
                    Map.of(), wd, ConfigOptions.DEFAULTS.withAdminKeyEnv(ADMIN_KEY)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("--admin-key-env takes the name of the variable")
        .hasMessageNotContaining(ADMIN_KEY)
        .hasMessageNotContaining("1234");
  }

  @Test
  void aPlaceholderUsageKeyIsAnErrorNamingTheVariable() throws IOException {
    Path file = dotEnv("OPENAI_ADMIN_KEY=sk-your-admin-key-here\n");
    TokenLedgerConfig config = load(Map.of());
    assertThat(config.findUsageKey()).isPresent();
    assertThatThrownBy(config::usageKey)
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OPENAI_ADMIN_KEY (from "
                + file
                + ":1) looks like a placeholder, not a key (it contains the word 'your'): set it"
                + " to an admin key with the api.usage.read scope");
    assertThat(kinds(config)).containsExactly(ConfigWarning.Kind.PLACEHOLDER_VALUE);
  }

  @Test
  void aUsageKeyThatIsNotAnAdminKeyIsFlagged() {
    TokenLedgerConfig config = load(Map.of("OPENAI_ADMIN_KEY", CHATDEV_KEY));
    assertThat(config.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.kind()).isEqualTo(ConfigWarning.Kind.USAGE_KEY_NOT_ADMIN);
              assertThat(w.severity()).isEqualTo(ConfigWarning.Severity.ERROR);
              assertThat(w.message())
                  .isEqualTo(
                      "the usage key in OPENAI_ADMIN_KEY (environment) is a project key"
                          + " (sk-proj-…5678): only admin keys (sk-admin-…) can read organization"
                          + " usage");
              assertThat(w.fix()).contains("create an admin key", "OPENAI_ADMIN_KEY");
            });
  }

  @Test
  void aLegacyUsageKeyNameWorksAndIsMentioned() {
    TokenLedgerConfig config = load(Map.of("OPEN_AI_KEY_ADM", ADMIN_KEY));
    assertThat(config.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.kind()).isEqualTo(ConfigWarning.Kind.LEGACY_USAGE_KEY_NAME);
              assertThat(w.severity()).isEqualTo(ConfigWarning.Severity.INFO);
              assertThat(w.message()).contains("OPEN_AI_KEY_ADM", "OPENAI_ADMIN_KEY");
            });
  }

  @Test
  void genaiDevbenchsReconciliationSettingsAreReadAsAliasesWithTheLegacyNote() {
    TokenLedgerConfig config =
        load(
            Map.of(
                "RECONCILIATION_MIN_STABLE_VERIFICATIONS", "4",
                "RECONCILIATION_VERIFICATION_INTERVAL_MIN", "0.5"));
    assertThat(config.value(Setting.TOKENLEDGER_STABLE_READS)).contains("4");
    assertThat(config.value(Setting.TOKENLEDGER_INTERVAL)).contains("30s");
    assertThat(config.warnings())
        .filteredOn(w -> w.kind() == ConfigWarning.Kind.LEGACY_SETTING_NAME)
        .extracting(ConfigWarning::message)
        .containsExactlyInAnyOrder(
            "RECONCILIATION_MIN_STABLE_VERIFICATIONS (from environment), genai-devbench's name,"
                + " is read as TOKENLEDGER_STABLE_READS=4: it works, but TOKENLEDGER_STABLE_READS"
                + " is tokenledger's name",
            "RECONCILIATION_VERIFICATION_INTERVAL_MIN (from environment), genai-devbench's name,"
                + " is read as TOKENLEDGER_INTERVAL=30s: it works, but TOKENLEDGER_INTERVAL is"
                + " tokenledger's name");
    assertThat(config.warnings())
        .allSatisfy(w -> assertThat(w.severity()).isEqualTo(ConfigWarning.Severity.INFO));

    TokenLedgerConfig own =
        load(
            Map.of("TOKENLEDGER_INTERVAL", "2m", "RECONCILIATION_VERIFICATION_INTERVAL_MIN", "10"));
    assertThat(own.value(Setting.TOKENLEDGER_INTERVAL)).contains("2m");
    assertThat(own.warnings())
        .singleElement()
        .satisfies(
            w -> assertThat(w.message()).contains("is not read: TOKENLEDGER_INTERVAL is set"));

    TokenLedgerConfig tiny = load(Map.of("RECONCILIATION_VERIFICATION_INTERVAL_MIN", "0"));
    assertThat(tiny.value(Setting.TOKENLEDGER_INTERVAL)).contains("1s");
    assertThat(kinds(tiny)).contains(ConfigWarning.Kind.SETTING_RAISED);

    TokenLedgerConfig bad = load(Map.of("RECONCILIATION_VERIFICATION_INTERVAL_MIN", "-1"));
    assertThatThrownBy(() -> bad.value(Setting.TOKENLEDGER_INTERVAL))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is not a number of minutes");
  }

  // --- framework keys ---

  @Test
  void frameworkKeysAreEveryOpenAiApiKeyVariableWithTheirIds() throws IOException {
    Path file =
        dotEnv(
            "OPENAI_API_KEY_CHATDEV="
                + CHATDEV_KEY
                + "\nOPENAI_API_KEY_CHATDEV_ID=key_abc123\nOPENAI_API_KEY_USAGE_TRACKING="
                + ADMIN_KEY
                + "\n");
    TokenLedgerConfig config =
        load(Map.of("OPENAI_API_KEY_BAES", BAES_KEY, "OPENAI_API_KEY", "sk-unrelated-fake"));

    List<FrameworkKey> keys = config.frameworkKeys();
    assertThat(keys).extracting(FrameworkKey::name).containsExactly("baes", "chatdev");
    FrameworkKey chatdev = keys.get(1);
    assertThat(chatdev.key()).isEqualTo(ApiKey.of(CHATDEV_KEY));
    assertThat(chatdev.keyId()).contains("key_abc123");
    assertThat(chatdev.variable()).isEqualTo("OPENAI_API_KEY_CHATDEV");
    assertThat(chatdev.keyIdVariable()).isEqualTo("OPENAI_API_KEY_CHATDEV_ID");
    assertThat(chatdev.origin()).isEqualTo(VariableOrigin.fileLine(file, 1));
    assertThat(keys.get(0).keyId()).isEmpty();
    assertThat(keys.get(0).origin()).isEqualTo(VariableOrigin.ENVIRONMENT);
  }

  @Test
  void frameworkKeyIdsNeedNoKeyAndSkipWhatIsNoKeyId() {
    TokenLedgerConfig config =
        load(
            Map.of(
                "OPENAI_API_KEY_CHATDEV_ID", "key_abc123",
                "OPENAI_API_KEY_BAES_ID", "<your key id>",
                "OPENAI_API_KEY_GHSPEC_ID", CHATDEV_KEY,
                "OPENAI_API_KEY_SPEC_KIT_ID", " key_def456 "));

    assertThat(config.frameworkKeys()).isEmpty();
    assertThat(config.frameworkKeyIds())
        .containsExactly(Map.entry("chatdev", "key_abc123"), Map.entry("spec_kit", "key_def456"));
  }

  @Test
  void oneFrameworkIsFoundByNameInAnyCase() {
    TokenLedgerConfig config =
        load(Map.of("OPENAI_API_KEY_CHATDEV", CHATDEV_KEY, "OPENAI_API_KEY_SPEC_KIT", BAES_KEY));
    assertThat(config.frameworkKey("ChatDev").name()).isEqualTo("chatdev");
    assertThat(config.frameworkKey("spec-kit").variable()).isEqualTo("OPENAI_API_KEY_SPEC_KIT");
    assertThat(config.frameworkKey("spec_kit").name()).isEqualTo("spec_kit");
  }

  @Test
  void aMissingFrameworkKeyNamesTheVariableToSet() {
    TokenLedgerConfig config = load(Map.of("OPENAI_API_KEY_CHATDEV", CHATDEV_KEY));
    assertThatThrownBy(() -> config.frameworkKey("baes"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "no key for framework baes: set OPENAI_API_KEY_BAES in the environment or in a .env"
                + " file in "
                + wd.toAbsolutePath().normalize()
                + " to that framework's OpenAI key (frameworks configured: chatdev)");
    assertThatThrownBy(() -> load(Map.of()).frameworkKey("baes"))
        .hasMessageEndingWith("(no framework keys are configured)");
    assertThatThrownBy(() -> config.frameworkKey(CHATDEV_KEY + " x"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageNotContaining(CHATDEV_KEY);
  }

  @Test
  void anEmptyFrameworkKeyIsAnErrorWhenAskedFor() {
    TokenLedgerConfig config = load(Map.of("OPENAI_API_KEY_CHATDEV", " "));
    assertThat(config.frameworkKeys()).isEmpty();
    assertThatThrownBy(() -> config.frameworkKey("chatdev"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OPENAI_API_KEY_CHATDEV is set but empty (in environment): put the framework's"
                + " OpenAI key there");
    assertThat(kinds(config)).contains(ConfigWarning.Kind.PLACEHOLDER_VALUE);
  }

  @Test
  void sharedKeysAreFlagged() {
    TokenLedgerConfig config =
        load(
            Map.of(
                "OPENAI_ADMIN_KEY", ADMIN_KEY,
                "OPENAI_API_KEY_A", CHATDEV_KEY,
                "OPENAI_API_KEY_B", CHATDEV_KEY,
                "OPENAI_API_KEY_C", ADMIN_KEY));
    assertThat(config.warnings())
        .filteredOn(w -> w.kind() == ConfigWarning.Kind.SHARED_KEY)
        .extracting(ConfigWarning::message)
        .containsExactlyInAnyOrder(
            "OPENAI_API_KEY_A, OPENAI_API_KEY_B hold the same key (sk-proj-…5678): per-framework"
                + " figures need one key per framework",
            "OPENAI_API_KEY_C holds the usage key (sk-admin-…1234, also in OPENAI_ADMIN_KEY)");
  }

  @Test
  void suspiciousKeyIdsAreFlagged() {
    TokenLedgerConfig config =
        load(
            Map.of(
                "OPENAI_API_KEY_A", CHATDEV_KEY,
                "OPENAI_API_KEY_A_ID", "key_...",
                "OPENAI_API_KEY_B", BAES_KEY,
                "OPENAI_API_KEY_B_ID", BAES_KEY,
                "OPENAI_API_KEY_C_ID", "key_abc",
                "OPENAI_API_KEY_E_ID", "kei_typo123",
                "OPENAI_API_KEY_D", "sk-proj-test-canary-d-000000000000000000000",
                "OPENAI_API_KEY_D_ID", "12345"));
    assertThat(config.frameworkKey("a").keyId()).isEmpty();
    assertThat(config.frameworkKey("b").keyId()).isEmpty();
    assertThat(config.warnings())
        .extracting(ConfigWarning::kind, ConfigWarning::message)
        .containsExactlyInAnyOrder(
            tuple(
                ConfigWarning.Kind.PLACEHOLDER_VALUE,
                "OPENAI_API_KEY_A_ID (from environment) looks like a placeholder, not a key id: it"
                    + " contains '...'"),
            tuple(
                ConfigWarning.Kind.KEY_ID_SUSPICIOUS,
                "OPENAI_API_KEY_B_ID (from environment) holds an API key, not a key id (key_…)"),
            // C: an id without its key is fine (imports and reconciles need only the id); E is
            // checked all the same
            tuple(
                ConfigWarning.Kind.KEY_ID_SUSPICIOUS,
                "OPENAI_API_KEY_E_ID (from environment) is not a key id (key_ followed by letters"
                    + " and digits)"),
            tuple(
                ConfigWarning.Kind.KEY_ID_SUSPICIOUS,
                "OPENAI_API_KEY_D_ID (from environment) is not a key id (key_ followed by letters"
                    + " and digits)"));
  }

  // --- .env file ---

  @Test
  void aDotEnvReadableByOthersThatHoldsKeysIsFlaggedWithTheChmodFix() throws IOException {
    Path file = dotEnv("OPENAI_ADMIN_KEY=" + ADMIN_KEY + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    TokenLedgerConfig config = load(Map.of());
    assertThat(config.dotEnvFile().orElseThrow().readableByOthers()).contains(true);
    assertThat(config.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.kind()).isEqualTo(ConfigWarning.Kind.ENV_FILE_READABLE_BY_OTHERS);
              assertThat(w.message())
                  .isEqualTo(file + " holds API keys and other users can read it (rw-r--r--)");
              assertThat(w.fix()).isEqualTo("run chmod 600 " + file);
            });
  }

  @Test
  void aReadableDotEnvWithoutKeysIsFine() throws IOException {
    Path file = dotEnv("TOKENLEDGER_DB=ledger.db\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(load(Map.of()).warnings()).isEmpty();
  }

  @Test
  void envFileOptionReadsThatFileRelativeToTheWorkingDirectory() throws IOException {
    dotEnv("OPENAI_ADMIN_KEY=" + OTHER_ADMIN_KEY + "\n");
    Files.createDirectories(wd.resolve("conf"));
    Path other = wd.resolve("conf/keys.env");
    Files.writeString(other, "OPENAI_ADMIN_KEY=" + ADMIN_KEY + "\n");
    TokenLedgerConfig config =
        TokenLedgerConfig.load(
            Map.of(), wd, ConfigOptions.DEFAULTS.withEnvFile(Path.of("conf/keys.env")));
    assertThat(config.dotEnvFile().orElseThrow().path()).isEqualTo(other);
    assertThat(config.usageKey().key()).isEqualTo(ApiKey.of(ADMIN_KEY));
  }

  @Test
  void aMissingEnvFileGivenByOptionIsAnErrorNamingIt() {
    assertThatThrownBy(
            () ->
                TokenLedgerConfig.load(
                    Map.of(), wd, ConfigOptions.DEFAULTS.withEnvFile(Path.of("missing.env"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "env file "
                + wd.toAbsolutePath().normalize().resolve("missing.env")
                + " (given by --env-file) does not exist: check the path, or leave --env-file"
                + " out to read ./.env");
  }

  @Test
  void noDotEnvAndADotEnvDirectoryAreBothFine() throws IOException {
    assertThat(load(Map.of()).dotEnvFile()).isEmpty();
    Files.createDirectory(wd.resolve(".env"));
    assertThat(load(Map.of()).dotEnvFile()).isEmpty();
  }

  // --- base URL and settings ---

  @Test
  void baseUrlDefaultsToOpenAiAndLosesATrailingSlash() {
    assertThat(load(Map.of()).baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
    assertThat(load(Map.of("OPENAI_BASE_URL", "")).baseUrl())
        .isEqualTo(URI.create("https://api.openai.com/v1"));
    assertThat(load(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:8089/v1/")).baseUrl())
        .isEqualTo(URI.create("http://127.0.0.1:8089/v1"));
  }

  @Test
  void aBaseUrlThatIsNotHttpIsAConfigurationError() {
    assertThatThrownBy(() -> load(Map.of("OPENAI_BASE_URL", "ftp://example.com/v1")).baseUrl())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "OPENAI_BASE_URL (from environment) must be an http(s) URL such as"
                + " https://api.openai.com/v1, was \"ftp://example.com/v1\"");
    for (String bad : List.of("api.openai.com/v1", "https://", "http://h/v1?x=1", "not a url")) {
      assertThatThrownBy(() -> load(Map.of("OPENAI_BASE_URL", bad)).baseUrl())
          .as(bad)
          .isInstanceOf(ConfigurationException.class);
    }
    assertThatThrownBy(() -> load(Map.of("OPENAI_BASE_URL", ADMIN_KEY)).baseUrl())
        .hasMessageNotContaining(ADMIN_KEY);
  }

  @Test
  void settingsFallBackToTheirDefaults() throws IOException {
    TokenLedgerConfig defaults = load(Map.of());
    assertThat(defaults.value(Setting.OPENAI_BASE_URL)).contains("https://api.openai.com/v1");
    assertThat(defaults.value(Setting.TOKENLEDGER_PRICES)).isEmpty();
    assertThat(defaults.pricesFile()).isEmpty();
    assertThat(defaults.database())
        .isEqualTo(wd.toAbsolutePath().normalize().resolve(".tokenledger/ledger.db").toString());

    dotEnv("TOKENLEDGER_PRICES=prices/override.json\n");
    TokenLedgerConfig set = load(Map.of("TOKENLEDGER_DB", "jdbc:postgresql://localhost/ledger"));
    assertThat(set.database()).isEqualTo("jdbc:postgresql://localhost/ledger");
    assertThat(set.pricesFile())
        .contains(wd.toAbsolutePath().normalize().resolve("prices/override.json"));
    assertThat(set.origin("TOKENLEDGER_PRICES").orElseThrow().line()).isEqualTo(1);
  }

  @Test
  void keySettingsAreNotReadableAsPlainValues() {
    TokenLedgerConfig config = load(Map.of("OPENAI_ADMIN_KEY", ADMIN_KEY));
    assertThatThrownBy(() -> config.value(Setting.OPENAI_ADMIN_KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(ADMIN_KEY);
    assertThatThrownBy(() -> config.value(Setting.OPENAI_API_KEY_FRAMEWORK_ID))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everySettingIsDocumentedWithADefault() {
    assertThat(Setting.values())
        .allSatisfy(
            s -> {
              assertThat(s.description()).isNotBlank();
              assertThat(s.defaultDescription()).isNotBlank();
            });
    assertThat(Setting.OPENAI_BASE_URL.defaultDescription()).isEqualTo("https://api.openai.com/v1");
    assertThat(Setting.TOKENLEDGER_DB.defaultDescription()).isEqualTo(".tokenledger/ledger.db");
    assertThat(Setting.OPENAI_ADMIN_KEY.defaultDescription()).isEqualTo("none");
    assertThat(Setting.OPENAI_API_KEY_FRAMEWORK.isPattern()).isTrue();
  }

  // --- secrets ---

  @Test
  void noKeyAppearsInAnyMessageWarningOrToString() throws IOException {
    Path file =
        dotEnv(
            "OPENAI_ADMIN_KEY="
                + CHATDEV_KEY
                + "\nOPENAI_API_KEY_A="
                + CHATDEV_KEY
                + "\nOPENAI_API_KEY_B="
                + CHATDEV_KEY
                + "\nOPENAI_API_KEY_B_ID="
                + BAES_KEY
                + "\nOPENAI_API_KEY_C="
                + CHATDEV_KEY
                + "\nOPENAI_API_KEY_A=\n"
                + "garbage line "
                + ADMIN_KEY
                + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    Map<String, String> env = new HashMap<>();
    env.put("OPENAI_API_KEY_USAGE_TRACKING", OTHER_ADMIN_KEY);
    env.put("OPENAI_BASE_URL", ADMIN_KEY);
    env.put("OPENAI_ADMIN_KEY", "sk-your-" + ADMIN_KEY);
    TokenLedgerConfig config = load(env);

    StringBuilder everything = new StringBuilder(config.toString());
    config.warnings().forEach(w -> everything.append(w).append('\n'));
    config.frameworkKeys().forEach(k -> everything.append(k).append('\n'));
    config.findUsageKey().ifPresent(k -> everything.append(k));
    for (Runnable failing :
        List.<Runnable>of(
            config::usageKey,
            config::baseUrl,
            () -> config.frameworkKey("a"),
            () -> config.frameworkKey("zzz"),
            () -> config.frameworkKey(ADMIN_KEY),
            () ->
                TokenLedgerConfig.load(
                    Map.of(), wd, ConfigOptions.DEFAULTS.withAdminKeyEnv(ADMIN_KEY)))) {
      try {
        failing.run();
        everything.append("(no exception)");
      } catch (ConfigurationException e) {
        everything.append(e.getMessage()).append('\n');
      }
    }
    assertThat(everything.toString())
        .contains("looks like a placeholder", "hold the same key", "other users can read it")
        .doesNotContain(ADMIN_KEY, OTHER_ADMIN_KEY, CHATDEV_KEY, BAES_KEY)
        .doesNotContain("canary");
  }
}
