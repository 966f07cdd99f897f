package dev.tokenledger.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.JdkZlibDecoder;
import io.netty.handler.codec.compression.ZlibWrapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.brotli.dec.BrotliInputStream;

/**
 * Hands a {@link UsageReader} the decoded bytes of a body whose original bytes go to the client
 * unchanged: gzip and deflate are inflated as they pass; a brotli body (whose decoder reads a whole
 * stream) is kept compressed up to {@link #MAX_BROTLI} bytes and decoded at its end.
 */
final class DecodedCopy {
  static final int MAX_BROTLI = 8 * 1024 * 1024;

  private final UsageReader reader;
  private final EmbeddedChannel inflater;
  private final ByteArrayOutputStream brotli;
  private final String unsupported;
  private boolean failed;
  private byte[] scratch;

  private DecodedCopy(UsageReader reader, String encoding) {
    this.reader = reader;
    String e = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
    this.inflater =
        switch (e) {
          case "gzip", "x-gzip" -> new EmbeddedChannel(new JdkZlibDecoder(ZlibWrapper.GZIP, 0));
          case "deflate" -> new EmbeddedChannel(new JdkZlibDecoder(ZlibWrapper.ZLIB_OR_NONE, 0));
          default -> null;
        };
    this.brotli = e.equals("br") ? new ByteArrayOutputStream() : null;
    boolean known = inflater != null || brotli != null || e.equals("identity") || e.isEmpty();
    this.unsupported = known ? null : e;
  }

  /** A copy decoded by {@code encoding} (a {@code Content-Encoding} value, or null). */
  static DecodedCopy of(UsageReader reader, String encoding) {
    return new DecodedCopy(reader, encoding);
  }

  /** Reads {@code content} without consuming it. */
  void feed(ByteBuf content) {
    if (failed || unsupported != null || !content.isReadable()) {
      return;
    }
    if (inflater != null) {
      try {
        inflater.writeInbound(content.retainedDuplicate());
        ByteBuf out;
        while ((out = inflater.readInbound()) != null) {
          try {
            pass(out);
          } finally {
            out.release();
          }
        }
      } catch (RuntimeException e) {
        failed = true;
      }
    } else if (brotli != null) {
      if (brotli.size() + content.readableBytes() > MAX_BROTLI) {
        failed = true;
        brotli.reset();
        return;
      }
      byte[] bytes = new byte[content.readableBytes()];
      content.getBytes(content.readerIndex(), bytes);
      brotli.writeBytes(bytes);
    } else {
      pass(content);
    }
  }

  /** The body ended; returns why its usage could not be read, or null. */
  String finish() {
    if (unsupported != null) {
      return "response encoded as '" + unsupported + "': usage not read";
    }
    if (failed) {
      return brotli != null
          ? "brotli response over " + MAX_BROTLI + " bytes: usage not read"
          : "response body could not be decoded: usage not read";
    }
    if (inflater != null) {
      inflater.finishAndReleaseAll();
    }
    if (brotli != null) {
      try (InputStream in = new BrotliInputStream(new ByteArrayInputStream(brotli.toByteArray()))) {
        byte[] buf = new byte[16384];
        int n;
        while ((n = in.read(buf)) > 0) {
          reader.feed(buf, 0, n);
        }
      } catch (IOException e) {
        return "brotli response could not be decoded: usage not read";
      }
    }
    reader.finish();
    return null;
  }

  /** Drops what is held (the exchange was cut short). */
  void discard() {
    if (inflater != null) {
      inflater.finishAndReleaseAll();
    }
  }

  private void pass(ByteBuf buf) {
    if (buf.hasArray()) {
      reader.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      return;
    }
    // a direct buffer: read through one scratch array rather than a new one per chunk
    if (scratch == null) {
      scratch = new byte[16384];
    }
    int at = buf.readerIndex();
    int left = buf.readableBytes();
    while (left > 0) {
      int n = Math.min(left, scratch.length);
      buf.getBytes(at, scratch, 0, n);
      reader.feed(scratch, 0, n);
      at += n;
      left -= n;
    }
  }
}
