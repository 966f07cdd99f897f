package dev.tokenledger.openai;

import dev.tokenledger.TokenCounts;

/**
 * One result row of a usage bucket: one record per result {@code object} type. Counters missing
 * from the payload are 0; a dimension field is {@code null} when the query did not group by it.
 *
 * <p>Every row answers every counter and every shared dimension: a type without the field answers 0
 * or {@code null}, so that sums, tokens and group keys are computed once here for all ten types.
 */
public sealed interface UsageResult
    permits UsageResult.Completions,
        UsageResult.Embeddings,
        UsageResult.Moderations,
        UsageResult.Images,
        UsageResult.AudioSpeeches,
        UsageResult.AudioTranscriptions,
        UsageResult.VectorStores,
        UsageResult.CodeInterpreterSessions,
        UsageResult.FileSearches,
        UsageResult.WebSearches {

  /** The endpoint this result type belongs to. */
  UsageEndpoint endpoint();

  /** The {@code object} name of this result type. */
  default String object() {
    return endpoint().resultObject();
  }

  String projectId();

  /** {@code user_id}, or {@code null} (not grouped by it, or a type without it). */
  default String userId() {
    return null;
  }

  /** {@code api_key_id}, or {@code null} (not grouped by it, or a type without it). */
  default String apiKeyId() {
    return null;
  }

  /** {@code model}, or {@code null} (not grouped by it, or a type without it). */
  default String model() {
    return null;
  }

  /**
   * This row's value for {@code dimension}: a {@code String}, a {@code Boolean} for {@link
   * Dimension#BATCH}, or {@code null} when not grouped by it or when this type has no such field.
   */
  default Object dimension(Dimension dimension) {
    return switch (dimension) {
      case PROJECT_ID -> projectId();
      case USER_ID -> userId();
      case API_KEY_ID -> apiKeyId();
      case MODEL -> model();
      default -> null;
    };
  }

  /** {@code input_tokens} (with cached and cache-write tokens); 0 for types without tokens. */
  default long inputTokens() {
    return 0;
  }

  /** {@code input_cached_tokens}; 0 for types other than completions. */
  default long inputCachedTokens() {
    return 0;
  }

  /** {@code output_tokens}; 0 for types other than completions. */
  default long outputTokens() {
    return 0;
  }

  /** {@code num_model_requests}; 0 for types that do not count them. */
  default long numModelRequests() {
    return 0;
  }

  /** {@code images}; 0 for types other than images. */
  default long images() {
    return 0;
  }

  /** {@code characters}; 0 for types other than audio speeches. */
  default long characters() {
    return 0;
  }

  /** {@code seconds}; 0 for types other than audio transcriptions. */
  default long seconds() {
    return 0;
  }

  /** {@code usage_bytes}; 0 for types other than vector stores. */
  default long usageBytes() {
    return 0;
  }

  /** {@code num_sessions}; 0 for types other than code interpreter sessions. */
  default long numSessions() {
    return 0;
  }

  /** {@code num_requests} (tool calls); 0 for types other than file and web searches. */
  default long numRequests() {
    return 0;
  }

  /** Model requests counted by this row (0 for types that do not count them). */
  default long modelRequests() {
    return numModelRequests();
  }

  /**
   * The tokens of this row: completions, embeddings and moderations count them, others are zero.
   * Its {@code uncachedInput()} is the part priced at the input rate: cache-write tokens are billed
   * at the input price, so they stay in {@code input_tokens}.
   */
  default TokenCounts tokens() {
    return new TokenCounts(inputTokens(), inputCachedTokens(), outputTokens(), numModelRequests());
  }

  /** {@code organization.usage.completions.result}. */
  record Completions(
      long inputTokens,
      long inputCachedTokens,
      long inputCacheWriteTokens,
      long inputUncachedTokens,
      long outputTokens,
      long inputTextTokens,
      long outputTextTokens,
      long inputCachedTextTokens,
      long inputAudioTokens,
      long inputCachedAudioTokens,
      long outputAudioTokens,
      long inputImageTokens,
      long inputCachedImageTokens,
      long outputImageTokens,
      long numModelRequests,
      String projectId,
      String userId,
      String apiKeyId,
      String model,
      Boolean batch,
      String serviceTier)
      implements UsageResult {

    public Completions {
      if ((inputTokens
              | inputCachedTokens
              | inputCacheWriteTokens
              | inputUncachedTokens
              | outputTokens
              | inputTextTokens
              | outputTextTokens
              | inputCachedTextTokens
              | inputAudioTokens
              | inputCachedAudioTokens
              | outputAudioTokens
              | inputImageTokens
              | inputCachedImageTokens
              | outputImageTokens
              | numModelRequests)
          < 0) {
        Counters.rejectNegative(
            "completions result",
            inputTokens,
            inputCachedTokens,
            inputCacheWriteTokens,
            inputUncachedTokens,
            outputTokens,
            inputTextTokens,
            outputTextTokens,
            inputCachedTextTokens,
            inputAudioTokens,
            inputCachedAudioTokens,
            outputAudioTokens,
            inputImageTokens,
            inputCachedImageTokens,
            outputImageTokens,
            numModelRequests);
      }
      if (inputCachedTokens > inputTokens) {
        throw new IllegalArgumentException(
            "input_cached_tokens ("
                + inputCachedTokens
                + ") cannot exceed input_tokens ("
                + inputTokens
                + "): input_tokens includes cached tokens");
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.COMPLETIONS;
    }

    @Override
    public Object dimension(Dimension d) {
      return switch (d) {
        case BATCH -> batch;
        case SERVICE_TIER -> serviceTier;
        default -> UsageResult.super.dimension(d);
      };
    }
  }

  /** {@code organization.usage.embeddings.result}. */
  record Embeddings(
      long inputTokens,
      long numModelRequests,
      String projectId,
      String userId,
      String apiKeyId,
      String model)
      implements UsageResult {

    public Embeddings {
      if ((inputTokens | numModelRequests) < 0) {
        Counters.rejectNegative("embeddings result", inputTokens, numModelRequests);
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.EMBEDDINGS;
    }
  }

  /** {@code organization.usage.moderations.result}. */
  record Moderations(
      long inputTokens,
      long numModelRequests,
      String projectId,
      String userId,
      String apiKeyId,
      String model)
      implements UsageResult {

    public Moderations {
      if ((inputTokens | numModelRequests) < 0) {
        Counters.rejectNegative("moderations result", inputTokens, numModelRequests);
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.MODERATIONS;
    }
  }

  /** {@code organization.usage.images.result}. */
  record Images(
      long images,
      long numModelRequests,
      String source,
      String size,
      String projectId,
      String userId,
      String apiKeyId,
      String model)
      implements UsageResult {

    public Images {
      if ((images | numModelRequests) < 0) {
        Counters.rejectNegative("images result", images, numModelRequests);
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.IMAGES;
    }

    @Override
    public Object dimension(Dimension d) {
      return switch (d) {
        case SOURCE -> source;
        case SIZE -> size;
        default -> UsageResult.super.dimension(d);
      };
    }
  }

  /** {@code organization.usage.audio_speeches.result}. */
  record AudioSpeeches(
      long characters,
      long numModelRequests,
      String projectId,
      String userId,
      String apiKeyId,
      String model)
      implements UsageResult {

    public AudioSpeeches {
      if ((characters | numModelRequests) < 0) {
        Counters.rejectNegative("audio_speeches result", characters, numModelRequests);
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.AUDIO_SPEECHES;
    }
  }

  /** {@code organization.usage.audio_transcriptions.result}. */
  record AudioTranscriptions(
      long seconds,
      long numModelRequests,
      String projectId,
      String userId,
      String apiKeyId,
      String model)
      implements UsageResult {

    public AudioTranscriptions {
      if ((seconds | numModelRequests) < 0) {
        Counters.rejectNegative("audio_transcriptions result", seconds, numModelRequests);
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.AUDIO_TRANSCRIPTIONS;
    }
  }

  /** {@code organization.usage.vector_stores.result}: bytes stored in the bucket. */
  record VectorStores(long usageBytes, String projectId) implements UsageResult {

    public VectorStores {
      if ((usageBytes) < 0) {
        Counters.rejectNegative("vector_stores result", usageBytes);
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.VECTOR_STORES;
    }
  }

  /**
   * {@code organization.usage.code_interpreter_sessions.result}; {@code num_sessions}, called
   * {@code sessions} before 2025-02.
   */
  record CodeInterpreterSessions(long numSessions, String projectId) implements UsageResult {

    public CodeInterpreterSessions {
      if ((numSessions) < 0) {
        Counters.rejectNegative("code_interpreter_sessions result", numSessions);
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.CODE_INTERPRETER_SESSIONS;
    }
  }

  /** {@code organization.usage.file_searches.result}, from {@code /usage/file_search_calls}. */
  record FileSearches(
      long numRequests, String projectId, String userId, String apiKeyId, String vectorStoreId)
      implements UsageResult {

    public FileSearches {
      if ((numRequests) < 0) {
        Counters.rejectNegative("file_searches result", numRequests);
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.FILE_SEARCH_CALLS;
    }

    @Override
    public Object dimension(Dimension d) {
      return d == Dimension.VECTOR_STORE_ID ? vectorStoreId : UsageResult.super.dimension(d);
    }
  }

  /** {@code organization.usage.web_searches.result}, from {@code /usage/web_search_calls}. */
  record WebSearches(
      long numModelRequests,
      long numRequests,
      String projectId,
      String userId,
      String apiKeyId,
      String model,
      String contextLevel)
      implements UsageResult {

    public WebSearches {
      if ((numModelRequests | numRequests) < 0) {
        Counters.rejectNegative("web_searches result", numModelRequests, numRequests);
      }
    }

    @Override
    public UsageEndpoint endpoint() {
      return UsageEndpoint.WEB_SEARCH_CALLS;
    }

    @Override
    public Object dimension(Dimension d) {
      return d == Dimension.CONTEXT_LEVEL ? contextLevel : UsageResult.super.dimension(d);
    }
  }
}
