package dev.tokenledger.openai;

import java.time.Instant;

/**
 * An API key of a project ({@code organization.project.api_key}), as the admin listing shows it:
 * its id ({@code key_…}, the {@code api_key_id} of usage results), name, redacted value and owner.
 * {@code lastUsedAt} and {@code ownerProjectAccess} may be {@code null}.
 */
public record ProjectApiKey(
    String projectId,
    String id,
    String name,
    String redactedValue,
    Instant createdAt,
    Instant lastUsedAt,
    Owner owner,
    String ownerProjectAccess) {

  /**
   * Who owns a key: {@code type} is {@code user} or {@code service_account}; {@code email} is set
   * for users only; any field may be {@code null} when the listing leaves it out.
   */
  public record Owner(String type, String id, String name, String email, String role) {}
}
