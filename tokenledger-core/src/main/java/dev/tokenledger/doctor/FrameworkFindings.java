package dev.tokenledger.doctor;

import dev.tokenledger.Require;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.keys.KeyIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What doctor learned about one framework key, as data: its key id (configured, resolved, both),
 * the listed key and project it is, when it was last used, and whether it may call models.
 *
 * @param key the framework key (printable only through its redacted form)
 * @param keyIdStatus how the configured id and the organization's key listing agree
 * @param resolvedKeyId the id the listing gives this key, when exactly one listed key fits
 * @param candidateKeyIds every listed key id that fits the key (several when ambiguous)
 * @param identity the listed key this one is, when known
 * @param modelAccess whether {@code GET /models} with this key worked
 * @param modelCount how many models the key may use, when listed
 * @param shared whether another framework, or the usage key, holds the same key
 * @param status the status of this framework's check
 */
public record FrameworkFindings(
    FrameworkKey key,
    KeyIdStatus keyIdStatus,
    Optional<String> resolvedKeyId,
    List<String> candidateKeyIds,
    Optional<KeyIdentity> identity,
    ModelAccess modelAccess,
    Optional<Integer> modelCount,
    boolean shared,
    CheckStatus status) {

  /** How a framework's configured key id and the organization's listing agree. */
  public enum KeyIdStatus {
    /** {@code OPENAI_API_KEY_<FW>_ID} is set and the listing agrees. */
    CONFIRMED,
    /** Not configured; the listing has exactly one key that fits. */
    RESOLVED,
    /** Configured but not verified (offline, or the listing could not be read). */
    CONFIGURED,
    /** Configured, and the listing says the key is another one. */
    CONFLICT,
    /** No listed key fits the key. */
    NOT_FOUND,
    /** Several listed keys fit and none is configured. */
    AMBIGUOUS,
    /** Neither configured nor looked up. */
    UNKNOWN
  }

  /** Whether the key may call models, as {@code GET /models} answered. */
  public enum ModelAccess {
    OK,
    REFUSED,
    UNREACHABLE,
    NOT_CHECKED
  }

  public FrameworkFindings {
    Require.nonNull("key keyIdStatus resolvedKeyId", key, keyIdStatus, resolvedKeyId);
    Require.nonNull(
        "identity modelAccess modelCount status", identity, modelAccess, modelCount, status);
    candidateKeyIds = List.copyOf(candidateKeyIds);
  }

  /** The framework's name, e.g. {@code chatdev}. */
  public String name() {
    return key.name();
  }

  /** The configured {@code OPENAI_API_KEY_<FW>_ID}, if any. */
  public Optional<String> configuredKeyId() {
    return key.keyId();
  }

  /**
   * The id to account by: the listed key's when known, otherwise the configured one; empty when
   * neither is known.
   */
  public Optional<String> keyId() {
    return identity.map(KeyIdentity::id).or(() -> resolvedKeyId).or(key::keyId);
  }

  /** When the key was last used, as the organization's key listing says. */
  public Optional<Instant> lastUsedAt() {
    return identity.map(i -> i.key().lastUsedAt());
  }
}
