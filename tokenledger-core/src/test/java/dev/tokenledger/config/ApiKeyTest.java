package dev.tokenledger.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The key fingerprint is HMAC-SHA256, computed without {@code javax.crypto} for start-up. */
class ApiKeyTest {

  @Test
  void hmacMatchesRfc4231TestCases() {
    HexFormat hex = HexFormat.of();
    // RFC 4231 test case 2: a key shorter than the block.
    assertThat(
            hex.formatHex(
                ApiKey.hmacSha256(
                    "Jefe".getBytes(StandardCharsets.US_ASCII),
                    "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // RFC 4231 test case 6: a 131-byte key, longer than the block, hashed first.
    byte[] longKey = new byte[131];
    java.util.Arrays.fill(longKey, (byte) 0xaa);
    assertThat(
            hex.formatHex(
                ApiKey.hmacSha256(
                    longKey,
                    "Test Using Larger Than Block-Size Key - Hash Key First"
                        .getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }

  @Test
  void fingerprintIsWhatJavaxCryptoMacGives() throws Exception {
    Random random = new Random(15);
    for (int i = 0; i < 500; i++) {
      String salt = randomText(random, 1 + random.nextInt(150));
      String key = "sk-proj-" + randomText(random, random.nextInt(200));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected =
          HexFormat.of().formatHex(mac.doFinal(key.strip().getBytes(StandardCharsets.UTF_8)));
      assertThat(ApiKey.fingerprint(salt, key)).isEqualTo(expected);
      assertThat(ApiKey.of(key).fingerprint(salt)).isEqualTo(expected);
    }
  }

  @Test
  void anEmptySaltIsRefusedAsBefore() {
    assertThatThrownBy(() -> ApiKey.fingerprint("", "sk-proj-abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String randomText(Random random, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      // mostly ASCII, some multi-byte characters: the salt's UTF-8 bytes are the HMAC key
      b.append(
          random.nextInt(10) == 0
              ? (char) (0xe0 + random.nextInt(0x500))
              : (char) (0x21 + random.nextInt(94)));
    }
    return b.toString();
  }
}
