package dev.tokenledger.cli.shared;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The filters on the organization's usage by key that {@code usage} and {@code costs} share. */
public final class KeyFilterMixin {
  @Option(
      names = "--framework",
      split = ",",
      paramLabel = "FW",
      description =
          "Only these frameworks' keys (OPENAI_API_KEY_<FW>; the id from"
              + " OPENAI_API_KEY_<FW>_ID, else resolved).")
  List<String> frameworks = new ArrayList<>();

  @Option(names = "--api-key-id", split = ",", description = "Only these key ids (key_…).")
  List<String> apiKeyIds = new ArrayList<>();

  @Option(names = "--project", split = ",", description = "Only these project ids (proj_…).")
  List<String> projects = new ArrayList<>();

  /** The frameworks whose keys are asked for. */
  public List<String> frameworks() {
    return List.copyOf(frameworks);
  }

  /** The key ids asked for. */
  public List<String> apiKeyIds() {
    return List.copyOf(apiKeyIds);
  }

  /** The project ids asked for. */
  public List<String> projects() {
    return List.copyOf(projects);
  }
}
