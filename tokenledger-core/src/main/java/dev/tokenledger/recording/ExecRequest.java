package dev.tokenledger.recording;

import dev.tokenledger.Require;
import dev.tokenledger.config.ApiKey;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One command to run and record as a step: the framework and its key, the run it belongs to (an
 * existing one, or a new one when {@code runId} is null), the step, and the command with the
 * environment and folder it runs in.
 *
 * @param apiKeyId the framework key's id ({@code key_…}) if known
 * @param runId the run to add the step to; null starts a new run that ends with the command
 * @param stepIndex null takes the run's next index
 * @param stepName null names the step after the program
 * @param environment the variables the command inherits (the framework key is added as {@code
 *     OPENAI_API_KEY}; other keys are removed)
 * @param meterUpstream where a metering proxy forwards the command's OpenAI requests ({@code run
 *     exec --meter}: the environment's {@code OPENAI_BASE_URL}); {@code null}: not metered
 */
public record ExecRequest(
    String framework,
    ApiKey key,
    String apiKeyId,
    String experiment,
    String label,
    String runId,
    Integer stepIndex,
    String stepName,
    boolean fence,
    List<String> command,
    Map<String, String> environment,
    Path workingDirectory,
    URI meterUpstream) {

  /** Names the framework and command only: the environment holds keys. */
  @Override
  public String toString() {
    return "ExecRequest[framework=" + framework + ", run=" + runId + ", command=" + command + "]";
  }

  /** Whether the command's requests go through a metering proxy. */
  public boolean metered() {
    return meterUpstream != null;
  }

  public ExecRequest {
    Require.nonNull("framework key workingDirectory", framework, key, workingDirectory);
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a command to run is required after --");
    }
    environment = Map.copyOf(environment);
    if (stepIndex != null && stepIndex < 1) {
      throw new IllegalArgumentException("step index must be 1 or more but was " + stepIndex);
    }
  }
}
