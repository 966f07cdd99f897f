package dev.tokenledger.cli.shared;

import dev.tokenledger.config.ConfigOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that reads configuration shares. */
public final class ConfigMixin {
  @Option(
      names = "--env-file",
      paramLabel = "PATH",
      description = "Read variables from this file instead of ./.env (the environment still wins).")
  Path envFile;

  @Option(
      names = "--admin-key-env",
      paramLabel = "NAME",
      description =
          "Take the usage key from variable NAME instead of OPENAI_ADMIN_KEY,"
              + " OPENAI_API_KEY_USAGE_TRACKING or OPEN_AI_KEY_ADM.")
  String adminKeyEnv;

  /** These options as given (each null when not), for a command picocli did not build. */
  public static ConfigMixin of(Path envFile, String adminKeyEnv) {
    ConfigMixin options = new ConfigMixin();
    options.envFile = envFile;
    options.adminKeyEnv = adminKeyEnv;
    return options;
  }

  /** These options as the config package takes them. */
  public ConfigOptions options() {
    ConfigOptions options = ConfigOptions.DEFAULTS;
    if (envFile != null) {
      options = options.withEnvFile(envFile);
    }
    if (adminKeyEnv != null) {
      options = options.withAdminKeyEnv(adminKeyEnv);
    }
    return options;
  }
}
