package dev.tokenledger.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MeterPathTest {

  @Test
  void aStepTagIsReadAndTheRestIsThePathBelowV1() {
    assertThat(MeterPath.parse("/r/run-7/s/3/v1/chat/completions"))
        .contains(new MeterPath("run-7", 3, "/chat/completions"));
  }

  @Test
  void aRunTagWithoutAStepTagsTheRunAlone() {
    assertThat(MeterPath.parse("/r/run-7/v1/responses"))
        .contains(new MeterPath("run-7", null, "/responses"));
  }

  @Test
  void anUntaggedPathIsForwardedUntagged() {
    assertThat(MeterPath.parse("/v1/embeddings"))
        .contains(new MeterPath(null, null, "/embeddings"));
    assertThat(MeterPath.parse("/v1")).contains(new MeterPath(null, null, ""));
    assertThat(MeterPath.parse("/health")).contains(new MeterPath(null, null, "/health"));
  }

  @Test
  void aTaggedPathThatDoesNotNameV1KeepsWhatFollowsTheTag() {
    assertThat(MeterPath.parse("/r/a/s/1/models")).contains(new MeterPath("a", 1, "/models"));
    assertThat(MeterPath.parse("/r/a/s/1")).contains(new MeterPath("a", 1, ""));
  }

  @Test
  void basePathRoundTripsRunIdsWithAnyCharacters() {
    for (String run : new String[] {"plain", "with space", "slash/and+plus", "ünïcödé", "100%"}) {
      String base = MeterPath.basePath(run, 2);
      assertThat(base).startsWith("/r/").endsWith("/s/2/v1").doesNotContain(" ");
      assertThat(MeterPath.parse(base + "/chat/completions"))
          .as(run)
          .contains(new MeterPath(run, 2, "/chat/completions"));
    }
    assertThat(MeterPath.basePath("r1", null)).isEqualTo("/r/r1/v1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/r/",
        "/r//v1/x",
        "/r/a/s//v1",
        "/r/a/s/0/v1",
        "/r/a/s/x/v1",
        "/r/a/s/-1/v1",
        "/r/a/s/1234567890/v1",
        "/r/%zz/v1"
      })
  void malformedTagsAreRefused(String path) {
    assertThat(MeterPath.parse(path)).isEqualTo(Optional.empty());
  }

  @Test
  void aStepNeedsARunAndMustBePositive() {
    assertThatThrownBy(() -> new MeterPath(null, 1, "/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step index");
    assertThatThrownBy(() -> new MeterPath("r", 0, "/x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
