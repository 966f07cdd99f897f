package dev.tokenledger.doctor;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.config.ConfigOptions;
import dev.tokenledger.openai.OpenAiAdminClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks everything accounting depends on, in order (issue 4): the configuration, the usage key's
 * class, one cheap Usage API request, the organization's project and key listing, and each
 * framework key (class, distinctness, key id, project, last use, model access); then optionally
 * writes the resolved key ids to the {@code .env} file. Problems come back as data with their
 * fixes; nothing is printed and no key leaves except in redacted form.
 */
public final class Doctor {

  /** Builds the API client doctor uses: a base URL and the usage key, when there is one. */
  @FunctionalInterface
  public interface ClientFactory {
    OpenAiAdminClient create(URI baseUrl, Optional<ApiKey> adminKey);
  }

  // Package-private: an Examination reads them.
  final Map<String, String> environment;
  final Path workingDirectory;
  final ConfigOptions configOptions;
  final ClientFactory clients;
  final Clock clock;

  /**
   * @param environment the process environment (variables here win over {@code .env})
   * @param workingDirectory where {@code .env} is looked for and written
   * @param configOptions {@code --env-file} and {@code --admin-key-env}
   * @param clients builds the API client once the base URL is known to be valid
   * @param clock measures latency and how long ago a key was used
   */
  public Doctor(
      Map<String, String> environment,
      Path workingDirectory,
      ConfigOptions configOptions,
      ClientFactory clients,
      Clock clock) {
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory");
    this.configOptions = Objects.requireNonNull(configOptions, "configOptions");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Runs the checks {@code options} ask for and returns what they found. */
  public DoctorReport examine(DoctorOptions options) {
    Objects.requireNonNull(options, "options");
    return new Examination(this, options).run();
  }
}
