package dev.tokenledger.openai;

import dev.tokenledger.TokenCounts;

/**
 * One result row of a usage bucket: one record per result {@code object} type. Counters missing
 * from the payload are 0; a dimension field is {@code null} when the query did not group by it.
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

  /**
   * This row's value for {@code dimension}: a {@code String}, a {@code Boolean} for {@link
   * Dimension#BATCH}, or {@code null} when not grouped by it or when this type has no such field.
   */
  Object dimension(Dimension dimension);

  /** Model requests counted by this row (0 for types that do not count them). */
  long modelRequests();

  /**
   * The tokens of this row: completions, embeddings and moderations count them, others are zero.
   */
  TokenCounts tokens();

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
    public long modelRequests() {
      return numModelRequests;
    }

    /**
     * Input (with cached and cache-write tokens), cached input, output and requests. Its {@code
     * uncachedInput()} is the part priced at the input rate: cache-write tokens are billed at the
     * input price, so they belong there.
     */
    @Override
    public TokenCounts tokens() {
      return new TokenCounts(inputTokens, inputCachedTokens, outputTokens, numModelRequests);
    }

    @Override
    public Object dimension(Dimension d) {
      return switch (d) {
        case PROJECT_ID -> projectId;
        case USER_ID -> userId;
        case API_KEY_ID -> apiKeyId;
        case MODEL -> model;
        case BATCH -> batch;
        case SERVICE_TIER -> serviceTier;
        default -> null;
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

    @Override
    public long modelRequests() {
      return numModelRequests;
    }

    @Override
    public TokenCounts tokens() {
      return new TokenCounts(inputTokens, 0, 0, numModelRequests);
    }

    @Override
    public Object dimension(Dimension d) {
      return Counters.modelDimension(d, projectId, userId, apiKeyId, model);
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

    @Override
    public long modelRequests() {
      return numModelRequests;
    }

    @Override
    public TokenCounts tokens() {
      return new TokenCounts(inputTokens, 0, 0, numModelRequests);
    }

    @Override
    public Object dimension(Dimension d) {
      return Counters.modelDimension(d, projectId, userId, apiKeyId, model);
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
    public long modelRequests() {
      return numModelRequests;
    }

    @Override
    public TokenCounts tokens() {
      return new TokenCounts(0, 0, 0, numModelRequests);
    }

    @Override
    public Object dimension(Dimension d) {
      return switch (d) {
        case SOURCE -> source;
        case SIZE -> size;
        default -> Counters.modelDimension(d, projectId, userId, apiKeyId, model);
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

    @Override
    public long modelRequests() {
      return numModelRequests;
    }

    @Override
    public TokenCounts tokens() {
      return new TokenCounts(0, 0, 0, numModelRequests);
    }

    @Override
    public Object dimension(Dimension d) {
      return Counters.modelDimension(d, projectId, userId, apiKeyId, model);
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

    @Override
    public long modelRequests() {
      return numModelRequests;
    }

    @Override
    public TokenCounts tokens() {
      return new TokenCounts(0, 0, 0, numModelRequests);
    }

    @Override
    public Object dimension(Dimension d) {
      return Counters.modelDimension(d, projectId, userId, apiKeyId, model);
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

    @Override
    public long modelRequests() {
      return 0;
    }

    @Override
    public TokenCounts tokens() {
      return TokenCounts.ZERO;
    }

    @Override
    public Object dimension(Dimension d) {
      return d == Dimension.PROJECT_ID ? projectId : null;
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

    @Override
    public long modelRequests() {
      return 0;
    }

    @Override
    public TokenCounts tokens() {
      return TokenCounts.ZERO;
    }

    @Override
    public Object dimension(Dimension d) {
      return d == Dimension.PROJECT_ID ? projectId : null;
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
    public long modelRequests() {
      return 0;
    }

    @Override
    public TokenCounts tokens() {
      return TokenCounts.ZERO;
    }

    @Override
    public Object dimension(Dimension d) {
      return d == Dimension.VECTOR_STORE_ID
          ? vectorStoreId
          : Counters.modelDimension(d, projectId, userId, apiKeyId, null);
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
    public long modelRequests() {
      return numModelRequests;
    }

    @Override
    public TokenCounts tokens() {
      return new TokenCounts(0, 0, 0, numModelRequests);
    }

    @Override
    public Object dimension(Dimension d) {
      return d == Dimension.CONTEXT_LEVEL
          ? contextLevel
          : Counters.modelDimension(d, projectId, userId, apiKeyId, model);
    }
  }
}
