package dev.tokenledger.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StreamOptionsTest {

  private static String injected(String body) {
    byte[] out = StreamOptions.read(body.getBytes(StandardCharsets.UTF_8)).injected();
    return out == null ? null : new String(out, StandardCharsets.UTF_8);
  }

  static Stream<Arguments> streamsWithoutUsage() {
    return Stream.of(
        // no stream_options: appended as the last member, every other byte kept
        Arguments.of(
            "{\"model\":\"m\",\"temperature\":1.0,\"stream\":true}",
            "{\"model\":\"m\",\"temperature\":1.0,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}"),
        Arguments.of(
            "{ \"stream\" : true ,\n \"top_p\": 1e-1 }",
            "{ \"stream\" : true ,\n \"top_p\": 1e-1 ,\"stream_options\":{\"include_usage\":true}}"),
        // include_usage false: the literal is replaced
        Arguments.of(
            "{\"stream\":true,\"stream_options\":{\"include_usage\":false,\"x\":1}}",
            "{\"stream\":true,\"stream_options\":{\"include_usage\":true,\"x\":1}}"),
        // other members kept, include_usage added first
        Arguments.of(
            "{\"stream_options\":{\"include_obfuscation\":false},\"stream\":true}",
            "{\"stream_options\":{\"include_usage\":true,\"include_obfuscation\":false},"
                + "\"stream\":true}"),
        Arguments.of(
            "{\"stream\":true,\"stream_options\":{ }}",
            "{\"stream\":true,\"stream_options\":{\"include_usage\":true }}"),
        Arguments.of(
            "{\"stream\":true,\"stream_options\":null}",
            "{\"stream\":true,\"stream_options\":{\"include_usage\":true}}"),
        // multi-byte characters before the insertion point
        Arguments.of(
            "{\"content\":\"\u00e9\u4e2d\",\"stream\":true}",
            "{\"content\":\"\u00e9\u4e2d\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}"));
  }

  @ParameterizedTest
  @MethodSource("streamsWithoutUsage")
  void aStreamWithoutUsageAsksForItTextually(String body, String expected) {
    assertThat(injected(body)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"model\":\"m\",\"messages\":[]}",
        "{\"stream\":false}",
        "{\"stream\":\"true\"}",
        "{\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
        "not json",
        "[1]",
        "{\"stream\":true} trailing",
        "{\"stream\":true",
      })
  void otherBodiesAreLeftAlone(String body) {
    assertThat(injected(body)).isNull();
  }

  @Test
  void itReadsTheModelAndWhatTheClientAskedFor() {
    StreamOptions.Request asked =
        StreamOptions.read(
            "{\"model\":\"o3\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"
                .getBytes(StandardCharsets.UTF_8));
    StreamOptions.Request notAsked =
        StreamOptions.read(
            "{\"model\":\"gpt-4o\",\"stream\":true}".getBytes(StandardCharsets.UTF_8));

    assertThat(asked.model()).isEqualTo("o3");
    assertThat(asked.includeUsage()).isTrue();
    assertThat(asked.injectedUsage()).isFalse();
    assertThat(notAsked.model()).isEqualTo("gpt-4o");
    assertThat(notAsked.stream()).isTrue();
    assertThat(notAsked.injectedUsage()).isTrue();
  }
}
