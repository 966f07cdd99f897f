package dev.tokenledger.config;

import dev.tokenledger.ConfigurationException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a person should know about a configuration that does not stop a command: placeholders,
 * legacy names, keys of the wrong class or shared, a readable {@code .env}. Collected once, when
 * {@link TokenLedgerConfig} is loaded.
 */
final class ConfigWarnings {
  private final TokenLedgerConfig config;
  private final Optional<DotEnvFile> dotEnv;
  private final Map<String, String> values;
  private final Map<String, VariableOrigin> origins;

  ConfigWarnings(TokenLedgerConfig config) {
    this.config = config;
    this.dotEnv = config.dotEnv;
    this.values = config.values;
    this.origins = config.origins;
  }

  List<ConfigWarning> collect() {
    List<ConfigWarning> out = new ArrayList<>();
    dotEnv.ifPresent(file -> dotEnvWarnings(file, out));
    usageKeyWarnings(out);
    List<FrameworkKey> frameworks = config.frameworkKeys();
    frameworkWarnings(out);
    sharedKeyWarnings(frameworks, out);
    legacySettingWarnings(out);
    return out;
  }

  private void legacySettingWarnings(List<ConfigWarning> out) {
    for (Setting legacy : Setting.values()) {
      Optional<Setting> own = legacy.aliasOf();
      if (own.isEmpty() || !config.isSet(legacy)) {
        continue;
      }
      String name = legacy.variable();
      String where = name + " (from " + origins.get(name).describe() + ")";
      String ownName = own.get().variable();
      if (config.isSet(own.get())) {
        out.add(
            new ConfigWarning(
                ConfigWarning.Kind.LEGACY_SETTING_NAME,
                where + ", genai-devbench's name, is not read: " + ownName + " is set and wins",
                "remove " + name + " to avoid the confusion"));
        continue;
      }
      String value;
      try {
        value = config.fromLegacy(legacy);
      } catch (ConfigurationException e) {
        continue; // the command that reads it says so, with the fix
      }
      out.add(
          new ConfigWarning(
              ConfigWarning.Kind.LEGACY_SETTING_NAME,
              where
                  + ", genai-devbench's name, is read as "
                  + ownName
                  + "="
                  + value
                  + ": it works, but "
                  + ownName
                  + " is tokenledger's name",
              "rename it to " + ownName + "=" + value + " when convenient"));
      if (legacy == Setting.RECONCILIATION_VERIFICATION_INTERVAL_MIN) {
        String raw = values.get(name).strip();
        BigDecimal seconds = new BigDecimal(raw).multiply(BigDecimal.valueOf(60));
        if (seconds.compareTo(BigDecimal.valueOf(TokenLedgerConfig.INTERVAL_FLOOR.getSeconds()))
            < 0) {
          out.add(
              new ConfigWarning(
                  ConfigWarning.Kind.SETTING_RAISED,
                  where
                      + " is "
                      + raw
                      + " minutes, under tokenledger's floor of 1 s between reads; 1s is used",
                  "set " + ownName + " to 1s or more (reads closer together prove nothing)"));
        }
      }
    }
  }

  private void dotEnvWarnings(DotEnvFile file, List<ConfigWarning> out) {
    out.addAll(file.warnings());
    boolean holdsKeys =
        file.variableNames().stream()
            .anyMatch(
                n ->
                    TokenLedgerConfig.USAGE_KEY_VARIABLES.contains(n)
                        || n.startsWith(TokenLedgerConfig.FRAMEWORK_PREFIX)
                        || KeyClass.of(file.value(n).orElse("")) != KeyClass.UNKNOWN);
    if (holdsKeys && file.readableByOthers().orElse(false)) {
      out.add(
          new ConfigWarning(
              ConfigWarning.Kind.ENV_FILE_READABLE_BY_OTHERS,
              file.path()
                  + " holds API keys and other users can read it ("
                  + file.permissionString().orElse("")
                  + ")",
              "run chmod 600 " + file.path()));
    }
    for (String name : file.variableNames()) {
      VariableOrigin origin = origins.get(name);
      if (origin.isEnvironment() && !values.get(name).equals(file.value(name).orElse(null))) {
        out.add(
            new ConfigWarning(
                ConfigWarning.Kind.SHADOWED_BY_ENVIRONMENT,
                name
                    + " is set both in the environment and in "
                    + file.path()
                    + ":"
                    + file.line(name).orElseThrow()
                    + "; the environment's value is used",
                "unset " + name + " in the environment to use the file's value"));
      }
    }
  }

  private void usageKeyWarnings(List<ConfigWarning> out) {
    for (String variable : config.usageKeyVariables()) {
      String value = values.get(variable);
      if (value == null) {
        continue;
      }
      Optional<String> placeholder = Placeholders.reason(value);
      placeholder.ifPresent(
          reason ->
              out.add(
                  placeholderWarning(
                      variable, reason, "set it to " + TokenLedgerConfig.USAGE_SCOPE_HINT)));
      if (value.isBlank()) {
        continue;
      }
      // The first non-empty variable is the usage key; the rest are not read.
      if (placeholder.isEmpty()) {
        usageKeyClassWarnings(variable, ApiKey.of(value), out);
      }
      return;
    }
  }

  private void usageKeyClassWarnings(String variable, ApiKey key, List<ConfigWarning> out) {
    String where = origins.get(variable).describe();
    if (config.options().adminKeyEnv().isEmpty()
        && !variable.equals(TokenLedgerConfig.USAGE_KEY_VARIABLES.get(0))) {
      out.add(
          new ConfigWarning(
              ConfigWarning.Kind.LEGACY_USAGE_KEY_NAME,
              "the usage key comes from "
                  + variable
                  + " ("
                  + where
                  + "), a legacy name: it works, but "
                  + TokenLedgerConfig.USAGE_KEY_VARIABLES.get(0)
                  + " is the name the OpenAI SDKs use",
              "rename "
                  + variable
                  + " to "
                  + TokenLedgerConfig.USAGE_KEY_VARIABLES.get(0)
                  + " when convenient"));
    }
    KeyClass keyClass = key.keyClass();
    if (!keyClass.canReadOrganization()) {
      String what =
          keyClass == KeyClass.UNKNOWN
              ? "does not look like an OpenAI key (" + key.redacted() + ")"
              : "is a " + keyClass.description() + " (" + key.redacted() + ")";
      out.add(
          new ConfigWarning(
              ConfigWarning.Kind.USAGE_KEY_NOT_ADMIN,
              "the usage key in "
                  + variable
                  + " ("
                  + where
                  + ") "
                  + what
                  + ": only admin keys (sk-admin-…) can read organization usage",
              TokenLedgerConfig.CREATE_ADMIN_KEY + variable));
    }
  }

  private ConfigWarning placeholderWarning(String variable, String reason, String fix) {
    return new ConfigWarning(
        ConfigWarning.Kind.PLACEHOLDER_VALUE,
        variable
            + " (from "
            + origins.get(variable).describe()
            + ") looks like a placeholder, not a key: "
            + reason,
        fix);
  }

  private void frameworkWarnings(List<ConfigWarning> out) {
    for (String variable : config.frameworkVariables()) {
      Optional<String> placeholder = Placeholders.reason(values.get(variable));
      placeholder.ifPresent(
          reason ->
              out.add(
                  placeholderWarning(
                      variable, reason, "set it to the framework's own OpenAI project key")));
    }
    for (String variable : new TreeMap<>(values).keySet()) {
      if (!variable.startsWith(TokenLedgerConfig.FRAMEWORK_PREFIX) || !variable.endsWith("_ID")) {
        continue;
      }
      String keyVariable = variable.substring(0, variable.length() - 3);
      if (!TokenLedgerConfig.FRAMEWORK_VARIABLE.matcher(keyVariable).matches()) {
        continue;
      }
      String id = values.get(variable).strip();
      String where = variable + " (from " + origins.get(variable).describe() + ")";
      String fix = "run tokenledger doctor --write-ids, or copy the id from the OpenAI dashboard";
      // an id without its key is fine: importing and reconciling runs need only the id
      if (Placeholders.isPlaceholder(id)) {
        out.add(
            new ConfigWarning(
                ConfigWarning.Kind.PLACEHOLDER_VALUE,
                where
                    + " looks like a placeholder, not a key id: "
                    + Placeholders.reason(id).orElseThrow(),
                fix));
      } else if (KeyClass.of(id) != KeyClass.UNKNOWN) {
        out.add(
            new ConfigWarning(
                ConfigWarning.Kind.KEY_ID_SUSPICIOUS,
                where + " holds an API key, not a key id (key_…)",
                "move the key to " + keyVariable + " and " + fix));
      } else if (!TokenLedgerConfig.KEY_ID.matcher(id).matches()) {
        out.add(
            new ConfigWarning(
                ConfigWarning.Kind.KEY_ID_SUSPICIOUS,
                where + " is not a key id (key_ followed by letters and digits)",
                fix));
      }
    }
  }

  private void sharedKeyWarnings(List<FrameworkKey> frameworks, List<ConfigWarning> out) {
    Map<ApiKey, List<FrameworkKey>> byKey = new LinkedHashMap<>();
    for (FrameworkKey f : frameworks) {
      byKey.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(f);
    }
    byKey.forEach(
        (key, sharing) -> {
          if (sharing.size() > 1) {
            out.add(
                new ConfigWarning(
                    ConfigWarning.Kind.SHARED_KEY,
                    sharing.stream().map(FrameworkKey::variable).collect(Collectors.joining(", "))
                        + " hold the same key ("
                        + key.redacted()
                        + "): per-framework figures need one key per framework",
                    "create a separate project key for each framework"));
          }
        });
    config
        .findUsageKey()
        .ifPresent(
            usage ->
                frameworks.stream()
                    .filter(f -> f.key().equals(usage.key()))
                    .forEach(
                        f ->
                            out.add(
                                new ConfigWarning(
                                    ConfigWarning.Kind.SHARED_KEY,
                                    f.variable()
                                        + " holds the usage key ("
                                        + f.key().redacted()
                                        + ", also in "
                                        + usage.variable()
                                        + ")",
                                    "give the framework its own project key: the usage key"
                                        + " never makes model calls"))));
  }
}
