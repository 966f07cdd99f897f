package dev.tokenledger.metering;

/**
 * Turns the bearer key of a proxied request into what may be stored: a salted fingerprint and, once
 * known, the key's id. Called on the proxy's I/O threads, so it must not block: a resolver that
 * asks the Projects API does so in the background and answers with the fingerprint alone until
 * then.
 */
@FunctionalInterface
public interface KeyIdentifier {
  /** The stored identity of {@code bearerKey} (the text after {@code Bearer }). */
  KeyRef identify(String bearerKey);

  /**
   * A key as the ledger may hold it.
   *
   * @param fingerprint the salted fingerprint, never {@code null}
   * @param apiKeyId the key's id when known, else {@code null}
   */
  record KeyRef(String fingerprint, String apiKeyId) {
    public KeyRef {
      java.util.Objects.requireNonNull(fingerprint, "fingerprint");
    }
  }
}
