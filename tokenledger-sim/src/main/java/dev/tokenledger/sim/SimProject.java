package dev.tokenledger.sim;

import dev.tokenledger.Require;
import java.time.Instant;

/**
 * A project of the simulated organization, as listed by {@code GET /v1/organization/projects}.
 *
 * @param id {@code proj_…}
 * @param name display name
 * @param createdAt creation instant
 * @param archivedAt when it was archived, or null while active
 */
public record SimProject(String id, String name, Instant createdAt, Instant archivedAt) {
  public SimProject {
    Require.nonNull("id name createdAt", id, name, createdAt);
  }

  /** Whether the project is archived. */
  public boolean archived() {
    return archivedAt != null;
  }
}
