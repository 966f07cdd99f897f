package dev.tokenledger.openai;

import java.time.Instant;

/**
 * A project of the organization ({@code organization.project}); {@code archivedAt} is {@code null}
 * for an active project.
 */
public record Project(
    String id, String name, Instant createdAt, Instant archivedAt, String status) {}
