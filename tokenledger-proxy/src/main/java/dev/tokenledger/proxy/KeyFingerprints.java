package dev.tokenledger.proxy;

import dev.tokenledger.metering.KeyIdentifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The default {@link KeyIdentifier}: a salted SHA-256 fingerprint, no key id. */
final class KeyFingerprints {
  private KeyFingerprints() {}

  /** Fingerprints keys with a random salt of this proxy's own. */
  static KeyIdentifier salted() {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return key -> new KeyIdentifier.KeyRef(fingerprint(salt, key), null);
  }

  static String fingerprint(byte[] salt, String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      byte[] digest = sha.digest(key.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
