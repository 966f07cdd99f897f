package dev.tokenledger.proxy;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.metering.KeyIdentifier;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The default {@link KeyIdentifier}: the ledger's fingerprint (HMAC-SHA256, {@link
 * ApiKey#fingerprint}) under a random salt of this proxy's own, and no key id.
 */
final class KeyFingerprints {
  private KeyFingerprints() {}

  /** Fingerprints keys with a random salt of this proxy's own. */
  static KeyIdentifier salted() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    String text = HexFormat.of().formatHex(salt);
    return key -> new KeyIdentifier.KeyRef(ApiKey.fingerprint(text, key), null);
  }
}
