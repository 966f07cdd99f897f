package dev.tokenledger.keys;

import dev.tokenledger.openai.Project;
import dev.tokenledger.openai.ProjectApiKey;

/**
 * A project API key as the organization lists it, together with its project: what a framework key
 * resolves to.
 */
public record KeyIdentity(ProjectApiKey key, Project project) {
  /** The key id ({@code key_…}), the {@code api_key_id} of usage rows. */
  public String id() {
    return key.id();
  }

  /** {@code "chatdev key" in project "Experiments" (proj_abc)}. */
  public String describe() {
    String projectName = project.name() == null ? project.id() : project.name();
    return "\"" + key.name() + "\" in project \"" + projectName + "\" (" + project.id() + ")";
  }
}
