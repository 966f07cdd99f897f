package dev.tokenledger;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.config.ConfigWarning;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequireTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aNullComponentIsNamedAsObjectsRequireNonNullNamesIt() {
    assertThatThrownBy(() -> Require.nonNull("model tier version", "gpt-4o", null, null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("tier");
    assertThatThrownBy(
            () -> new ConfigWarning(ConfigWarning.Kind.LEGACY_SETTING_NAME, "a message", null))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("fix");
  }

  @Test
  void presentValuesPass() {
    assertThatCode(() -> Require.nonNull("a b", 1, "b")).doesNotThrowAnyException();
    assertThatCode(() -> Require.window("the window", T, T.plusSeconds(1)))
        .doesNotThrowAnyException();
  }

  @Test
  void anEmptyOrReversedWindowIsRefusedWithBothEnds() {
    assertThatThrownBy(() -> Require.window("a read's window", T, T))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a read's window must end after it starts: start 2026-01-01T00:00:00Z, end"
                + " 2026-01-01T00:00:00Z");
    assertThatThrownBy(() -> Require.window("the window", null, T))
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage("start");
  }
}
