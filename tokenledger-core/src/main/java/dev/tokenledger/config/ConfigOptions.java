package dev.tokenledger.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The command-line options that change where configuration is read from.
 *
 * @param envFile {@code --env-file PATH}: read this file instead of {@code ./.env}; it must exist
 * @param adminKeyEnv {@code --admin-key-env NAME}: read the usage key from this variable only
 */
public record ConfigOptions(Optional<Path> envFile, Optional<String> adminKeyEnv) {

  /** No options: {@code ./.env} if present, the usual usage key variables. */
  public static final ConfigOptions DEFAULTS =
      new ConfigOptions(Optional.empty(), Optional.empty());

  public ConfigOptions {
    Objects.requireNonNull(envFile, "envFile");
    Objects.requireNonNull(adminKeyEnv, "adminKeyEnv");
  }

  /** These options with {@code --env-file}. */
  public ConfigOptions withEnvFile(Path file) {
    return new ConfigOptions(Optional.of(file), adminKeyEnv);
  }

  /** These options with {@code --admin-key-env}. */
  public ConfigOptions withAdminKeyEnv(String variable) {
    return new ConfigOptions(envFile, Optional.of(variable));
  }
}
