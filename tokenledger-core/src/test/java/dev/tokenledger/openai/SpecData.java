package dev.tokenledger.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The example responses copied from the OpenAI spec into src/test/resources/openai-spec/. */
final class SpecData {
  private SpecData() {}

  static byte[] bytes(String name) {
    try (InputStream in = SpecData.class.getResourceAsStream("/openai-spec/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no spec example " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  /** A one-bucket page holding the single result object in {@code name}. */
  static byte[] pageAround(String name) {
    return ("{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1730419200,"
            + "\"end_time\":1730505600,\"results\":["
            + text(name)
            + "]}],\"has_more\":false,\"next_page\":null}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
