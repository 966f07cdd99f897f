package dev.tokenledger.sim;

import dev.tokenledger.Require;
import java.time.Instant;
import java.util.List;

/**
 * A model the simulator serves: the name a request may use, the dated snapshot it resolves to (the
 * name responses and the Usage API report), and what kind of model it is.
 *
 * @param alias the short name, e.g. {@code gpt-4o-mini}
 * @param snapshot the dated name, e.g. {@code gpt-4o-mini-2024-07-18}; may equal the alias
 * @param kind chat, reasoning (reports reasoning tokens) or embedding
 * @param created the {@code created} time {@code /v1/models} shows
 * @param embeddingDimensions the default vector length of an embedding model; 0 otherwise
 */
public record SimModel(
    String alias, String snapshot, Kind kind, Instant created, int embeddingDimensions) {

  /** What a model does. */
  public enum Kind {
    CHAT,
    REASONING,
    EMBEDDING
  }

  public SimModel {
    Require.nonNull("alias snapshot kind created", alias, snapshot, kind, created);
    if ((kind == Kind.EMBEDDING) != (embeddingDimensions > 0)) {
      throw new IllegalArgumentException(
          "embeddingDimensions must be positive for an embedding model and 0 otherwise: " + alias);
    }
  }

  /** A chat model. */
  public static SimModel chat(String alias, String snapshot) {
    return new SimModel(alias, snapshot, Kind.CHAT, Instant.parse("2024-07-18T00:00:00Z"), 0);
  }

  /** A reasoning model: its outputs include reasoning tokens. */
  public static SimModel reasoning(String alias, String snapshot) {
    return new SimModel(alias, snapshot, Kind.REASONING, Instant.parse("2025-01-31T00:00:00Z"), 0);
  }

  /** An embedding model producing vectors of {@code dimensions} floats by default. */
  public static SimModel embedding(String name, int dimensions) {
    return new SimModel(
        name, name, Kind.EMBEDDING, Instant.parse("2024-01-25T00:00:00Z"), dimensions);
  }

  /** The catalogue served by default. */
  public static List<SimModel> defaults() {
    return List.of(
        chat("gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
        chat("gpt-4o", "gpt-4o-2024-08-06"),
        chat("gpt-4.1", "gpt-4.1-2025-04-14"),
        chat("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"),
        chat("gpt-4.1-nano", "gpt-4.1-nano-2025-04-14"),
        reasoning("o3-mini", "o3-mini-2025-01-31"),
        reasoning("o3", "o3-2025-04-16"),
        reasoning("o4-mini", "o4-mini-2025-04-16"),
        reasoning("gpt-5", "gpt-5-2025-08-07"),
        reasoning("gpt-5-mini", "gpt-5-mini-2025-08-07"),
        reasoning("gpt-5-nano", "gpt-5-nano-2025-08-07"),
        embedding("text-embedding-3-small", 1536),
        embedding("text-embedding-3-large", 3072),
        embedding("text-embedding-ada-002", 1536));
  }
}
