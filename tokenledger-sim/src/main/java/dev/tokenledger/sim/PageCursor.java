package dev.tokenledger.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code next_page} cursor: where the next page starts, where the query ends, and a
 * fingerprint of the query. Standard base64 that always holds {@code +}, {@code /} and {@code =},
 * so a client that forgets to URL-encode it gets a 400 instead of silently wrong data.
 */
record PageCursor(long nextStart, long end, long queryHash) {
  private static final String PREFIX = "page_";
  private static final byte[] MARKER = {(byte) 0xFB, (byte) 0xFF, (byte) 0xBF};
  private static final byte VERSION = 1;
  private static final int LENGTH = 3 + 1 + 8 + 8 + 5;

  String encode() {
    ByteBuffer b = ByteBuffer.allocate(LENGTH);
    b.put(MARKER).put(VERSION).putLong(nextStart).putLong(end);
    for (int shift = 32; shift >= 0; shift -= 8) {
      b.put((byte) (queryHash >>> shift));
    }
    return PREFIX + Base64.getEncoder().encodeToString(b.array());
  }

  static PageCursor decode(String value, long queryHash) {
    byte[] raw;
    try {
      if (!value.startsWith(PREFIX)) {
        throw new IllegalArgumentException("no prefix");
      }
      raw = Base64.getDecoder().decode(value.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw invalid(value);
    }
    ByteBuffer b = ByteBuffer.wrap(raw);
    if (raw.length != LENGTH
        || b.get() != MARKER[0]
        || b.get() != MARKER[1]
        || b.get() != MARKER[2]
        || b.get() != VERSION) {
      throw invalid(value);
    }
    long nextStart = b.getLong();
    long end = b.getLong();
    long hash = 0;
    for (int i = 0; i < 5; i++) {
      hash = (hash << 8) | (b.get() & 0xFF);
    }
    if (hash != (queryHash & 0xFF_FFFF_FFFFL)) {
      throw ApiError.badRequest(
          "The page cursor belongs to a different query. Repeat the query that returned it,"
              + " unchanged, with page=<next_page>.",
          "page");
    }
    return new PageCursor(nextStart, end, queryHash);
  }

  static long hash(String canonicalQuery) {
    long h = 0xcbf29ce484222325L;
    for (byte x : canonicalQuery.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (x & 0xFF)) * 0x100000001b3L;
    }
    return h;
  }

  private static ApiError invalid(String value) {
    return ApiError.badRequest(
        "Invalid page cursor '"
            + value
            + "'. Pass the next_page value of the previous response unchanged, URL-encoded.",
        "page");
  }
}
