package dev.tokenledger.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlaceholdersTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "sk-your-key",
        "sk-your-admin-key-here",
        "sk-...",
        "sk-proj-…",
        "sk-proj-abc...wxyz",
        "<your admin key>",
        "<OPENAI_ADMIN_KEY>",
        "your_key_here",
        "YOUR_API_KEY",
        "changeme",
        "CHANGE_ME",
        "replace-me",
        "sk-xxxxxxxxxxxx",
        "${OPENAI_API_KEY}",
        "$OPENAI_KEY",
        "put your key here",
        "key_..."
      })
  void recognisesValuesThatWereNeverFilledIn(String value) {
    assertThat(Placeholders.reason(value)).isPresent();
    assertThat(Placeholders.isPlaceholder(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sk-admin-test-canary-00000000000000000000000000000000",
        "sk-proj-test-fake-Yx8_2kq-ZZ91abc",
        "sk-svcacct-sim-chatdev-0001",
        "key_abc123XYZ",
        "https://api.openai.com/v1"
      })
  void acceptsValuesThatLookReal(String value) {
    assertThat(Placeholders.reason(value)).isEmpty();
  }

  @Test
  void randomKeyShapedValuesAreNotMistakenForPlaceholders() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    Random random = new Random(20_251_027L);
    List<String> flagged = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      StringBuilder fakeKey = new StringBuilder(i % 2 == 0 ? "sk-proj-" : "sk-admin-");
      for (int c = 0; c < 156; c++) {
        fakeKey.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (Placeholders.isPlaceholder(fakeKey.toString())) {
        flagged.add(fakeKey.toString());
      }
    }
    assertThat(flagged).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sk-your-test-canary-0000000000000000", "<sk-admin-test-canary-0000>"})
  void theReasonNeverRepeatsTheValue(String value) {
    assertThat(Placeholders.reason(value).orElseThrow()).doesNotContain("canary");
  }
}
