package dev.tokenledger.figures;

import java.util.Locale;

/**
 * The Usage API endpoint a figure was read from (one of the ten {@code /organization/usage/*}
 * endpoints), or for a locally recorded request the endpoint it used.
 */
public enum Endpoint {
  COMPLETIONS("completions"),
  EMBEDDINGS("embeddings"),
  MODERATIONS("moderations"),
  IMAGES("images"),
  AUDIO_SPEECHES("audio_speeches"),
  AUDIO_TRANSCRIPTIONS("audio_transcriptions"),
  VECTOR_STORES("vector_stores"),
  CODE_INTERPRETER_SESSIONS("code_interpreter_sessions"),
  FILE_SEARCH_CALLS("file_search_calls"),
  WEB_SEARCH_CALLS("web_search_calls");

  private final String wireName;

  Endpoint(String wireName) {
    this.wireName = wireName;
  }

  /** The last path segment, e.g. {@code file_search_calls}: how outputs and the ledger write it. */
  public String wireName() {
    return wireName;
  }

  /**
   * The endpoint stored as {@code wireName} by {@link #wireName()}.
   *
   * @throws IllegalArgumentException when no endpoint has that name
   */
  public static Endpoint fromWireName(String wireName) {
    for (Endpoint e : values()) {
      if (e.wireName.equals(wireName)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "usage endpoint '"
            + wireName
            + "' is not known: the ledger holds a name this version lacks");
  }

  /**
   * The endpoint of a locally recorded request, whose endpoint a hook or an import may name loosely
   * (or not at all): a wire name as it is, else anything naming embeddings or moderations is that,
   * and anything else is completions (the endpoint models answer on).
   */
  public static Endpoint ofLocal(String name) {
    if (name == null) {
      return COMPLETIONS;
    }
    String n = name.toLowerCase(Locale.ROOT);
    for (Endpoint e : values()) {
      if (e.wireName.equals(n)) {
        return e;
      }
    }
    if (n.contains("embedding")) {
      return EMBEDDINGS;
    }
    if (n.contains("moderation")) {
      return MODERATIONS;
    }
    return COMPLETIONS;
  }
}
