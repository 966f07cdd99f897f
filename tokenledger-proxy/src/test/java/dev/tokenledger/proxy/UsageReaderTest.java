package dev.tokenledger.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.metering.MeteredUsage;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsageReaderTest {
  private static final String BODY =
      "{\"id\":\"x\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"message\":{\"model\":\"no\","
          + "\"usage\":{\"prompt_tokens\":999}}}],\"usage\":{\"prompt_tokens\":12,"
          + "\"completion_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":0}}}";

  /** Every way of cutting a body into two pieces gives the same reading. */
  @Test
  void aJsonBodyIsReadWhateverPiecesItArrivesIn() {
    byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      UsageReader r = UsageReader.json();
      r.feed(bytes, 0, cut);
      r.feed(bytes, cut, bytes.length - cut);
      r.finish();
      assertThat(r.usage()).as("cut at %d", cut).isEqualTo(MeteredUsage.of(12, 0, 5));
      assertThat(r.model()).isEqualTo("gpt-4o-mini-2024-07-18");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"<html>502 Bad Gateway</html>", "[1,2,3]", "{\"error\":{\"message\":\"x\"}}"})
  void bodiesWithoutUsageReadAsNone(String body) {
    UsageReader r = UsageReader.json();
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    r.feed(b, 0, b.length);
    r.finish();
    assertThat(r.usage()).isNull();
  }

  @Test
  void anEventStreamIsReadEventByEventWhateverItsPieces() {
    String stream =
        "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"model\":\"gpt-4.1\",\"usage\":null}}\n\n"
            + "event: response.completed\r\ndata: {\"type\":\"response.completed\",\"response\":{\"model\":\"gpt-4.1-2025-04-14\","
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}}\r\n\r\n";
    byte[] b = stream.getBytes(StandardCharsets.UTF_8);
    for (int size = 1; size <= 16; size++) {
      UsageReader r = UsageReader.eventStream();
      for (int i = 0; i < b.length; i += size) {
        r.feed(b, i, Math.min(size, b.length - i));
      }
      r.finish();
      assertThat(r.usage()).as("pieces of %d", size).isEqualTo(MeteredUsage.of(3, 0, 4));
      assertThat(r.model()).isEqualTo("gpt-4.1-2025-04-14");
    }
  }

  @Test
  void deflateAndBrotliCopiesAreDecoded() throws Exception {
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (DeflaterOutputStream out = new DeflaterOutputStream(deflated)) {
      out.write(BODY.getBytes(StandardCharsets.UTF_8));
    }
    UsageReader viaDeflate = UsageReader.json();
    DecodedCopy d = DecodedCopy.of(viaDeflate, "deflate");
    d.feed(Unpooled.wrappedBuffer(deflated.toByteArray()));
    assertThat(d.finish()).isNull();
    assertThat(viaDeflate.usage()).isEqualTo(MeteredUsage.of(12, 0, 5));

    // {"model":"m","usage":{"prompt_tokens":3,"completion_tokens":2}}, compressed by Node's zlib
    byte[] br =
        Base64.getDecoder()
            .decode(
                "Gz4AEIzDdKM9f4RybFYRwfLIH7AQAurWbbNSh6UPHHLg+Pkt0VgCDzbghOMwWXeJRkv7WHNPz6/18cicgRIP");
    UsageReader viaBrotli = UsageReader.json();
    DecodedCopy b = DecodedCopy.of(viaBrotli, "br");
    b.feed(Unpooled.wrappedBuffer(br, 0, 10));
    b.feed(Unpooled.wrappedBuffer(br, 10, br.length - 10));
    assertThat(b.finish()).isNull();
    assertThat(viaBrotli.usage()).isEqualTo(MeteredUsage.of(3, 0, 2));
    assertThat(viaBrotli.model()).isEqualTo("m");
  }

  @Test
  void anUnknownEncodingIsNamedNotGuessed() {
    UsageReader r = UsageReader.json();
    DecodedCopy c = DecodedCopy.of(r, "zstd");
    c.feed(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
    assertThat(c.finish()).isEqualTo("response encoded as 'zstd': usage not read");
    assertThat(r.usage()).isNull();
  }
}
