package dev.tokenledger.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChatChunksTest {

  private static String strip(String event) {
    byte[] out = ChatChunks.strip(event.getBytes(StandardCharsets.UTF_8));
    return out == null ? null : new String(out, StandardCharsets.UTF_8);
  }

  static Stream<Arguments> chunksWithUsageNull() {
    return Stream.of(
        Arguments.of(
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0}],\"usage\":null}\n\n",
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0}]}\n\n"),
        Arguments.of(
            "data: {\"usage\":null,\"id\":\"c\",\"choices\":[{\"index\":0}]}\n\n",
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0}]}\n\n"),
        Arguments.of(
            "data: {\"id\":\"c\",\"usage\" : null ,\"choices\":[{\"index\":0}],\"obfuscation\":\"x\"}\n\n",
            "data: {\"id\":\"c\" ,\"choices\":[{\"index\":0}],\"obfuscation\":\"x\"}\n\n"),
        // a nested usage member is not the chunk's
        Arguments.of(
            "data:{\"choices\":[{\"delta\":{\"usage\":null}}],\"usage\":null}\r\n\r\n",
            "data:{\"choices\":[{\"delta\":{\"usage\":null}}]}\r\n\r\n"),
        Arguments.of("data: {\"choices\":[],\"usage\":null}\n\n", "data: {\"choices\":[]}\n\n"));
  }

  @ParameterizedTest
  @MethodSource("chunksWithUsageNull")
  void theUsageNullMemberIsRemovedAndNothingElse(String event, String expected) {
    assertThat(strip(event)).isEqualTo(expected);
  }

  @Test
  void theUsageChunkIsDropped() {
    assertThat(
            strip(
                "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
                    + "\"completion_tokens\":2}}\n\n"))
        .isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "data: [DONE]\n\n",
        ": keep-alive\n\n",
        "data: {\"choices\":[{\"index\":0}]}\n\n",
        "data: {broken\n\n",
        "data: {\"a\":1}\ndata: {\"usage\":null}\n\n",
      })
  void otherEventsPassUnchanged(String event) {
    assertThat(strip(event)).isEqualTo(event);
  }
}
