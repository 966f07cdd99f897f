package dev.tokenledger.openai;

import static dev.tokenledger.openai.ResultField.API_KEY_ID;
import static dev.tokenledger.openai.ResultField.CHARACTERS;
import static dev.tokenledger.openai.ResultField.CONTEXT_LEVEL;
import static dev.tokenledger.openai.ResultField.IMAGES;
import static dev.tokenledger.openai.ResultField.INPUT_AUDIO_TOKENS;
import static dev.tokenledger.openai.ResultField.INPUT_CACHED_AUDIO_TOKENS;
import static dev.tokenledger.openai.ResultField.INPUT_CACHED_IMAGE_TOKENS;
import static dev.tokenledger.openai.ResultField.INPUT_CACHED_TEXT_TOKENS;
import static dev.tokenledger.openai.ResultField.INPUT_CACHED_TOKENS;
import static dev.tokenledger.openai.ResultField.INPUT_CACHE_WRITE_TOKENS;
import static dev.tokenledger.openai.ResultField.INPUT_IMAGE_TOKENS;
import static dev.tokenledger.openai.ResultField.INPUT_TEXT_TOKENS;
import static dev.tokenledger.openai.ResultField.INPUT_TOKENS;
import static dev.tokenledger.openai.ResultField.INPUT_UNCACHED_TOKENS;
import static dev.tokenledger.openai.ResultField.LINE_ITEM;
import static dev.tokenledger.openai.ResultField.MODEL;
import static dev.tokenledger.openai.ResultField.NUM_MODEL_REQUESTS;
import static dev.tokenledger.openai.ResultField.NUM_REQUESTS;
import static dev.tokenledger.openai.ResultField.NUM_SESSIONS;
import static dev.tokenledger.openai.ResultField.OUTPUT_AUDIO_TOKENS;
import static dev.tokenledger.openai.ResultField.OUTPUT_IMAGE_TOKENS;
import static dev.tokenledger.openai.ResultField.OUTPUT_TEXT_TOKENS;
import static dev.tokenledger.openai.ResultField.OUTPUT_TOKENS;
import static dev.tokenledger.openai.ResultField.PROJECT_ID;
import static dev.tokenledger.openai.ResultField.QUANTITY_UNIT;
import static dev.tokenledger.openai.ResultField.SECONDS;
import static dev.tokenledger.openai.ResultField.SERVICE_TIER;
import static dev.tokenledger.openai.ResultField.SIZE;
import static dev.tokenledger.openai.ResultField.SOURCE;
import static dev.tokenledger.openai.ResultField.USAGE_BYTES;
import static dev.tokenledger.openai.ResultField.USER_ID;
import static dev.tokenledger.openai.ResultField.VECTOR_STORE_ID;

import java.math.BigDecimal;
import java.util.Arrays;

/** Every field a result row can have; reused across rows to keep parsing allocation-light. */
final class RowFields {
  private static final int N = ResultField.values().length;
  final long[] counts = new long[N];
  final String[] texts = new String[N];
  Boolean batch;
  BigDecimal quantity;
  BigDecimal amount;
  String currency;
  private String lastObject;
  private UsageEndpoint lastEndpoint;

  void reset() {
    Arrays.fill(counts, 0);
    Arrays.fill(texts, null);
    batch = null;
    quantity = null;
    amount = null;
    currency = null;
  }

  long n(ResultField f) {
    return counts[f.ordinal()];
  }

  String text(ResultField f) {
    return texts[f.ordinal()];
  }

  /**
   * The endpoint whose results carry {@code object}; the last one is remembered by identity, as the
   * parser hands out one string per distinct value on a page.
   */
  private UsageEndpoint endpointOf(String object) {
    if (object != lastObject) {
      lastEndpoint = UsageEndpoint.forResultObject(object);
      lastObject = object;
    }
    return lastEndpoint;
  }

  /** The endpoint of the results whose {@code object} is this, {@code null} for an unknown one. */
  UsageEndpoint endpoint(String object) {
    return endpointOf(object);
  }

  /**
   * Whether a completions row of these fields is one {@link UsageResult.Completions} accepts: no
   * negative count, cached input within input. A row that fails is built as a record, which names
   * the problem.
   */
  boolean plausibleCompletions() {
    long any = 0;
    for (long n : counts) {
      any |= n;
    }
    return any >= 0 && n(INPUT_CACHED_TOKENS) <= n(INPUT_TOKENS);
  }

  /** What {@link UsageResult.Completions#dimension} gives for the row of these fields. */
  Object completionsDimension(Dimension d) {
    return switch (d) {
      case PROJECT_ID -> text(PROJECT_ID);
      case USER_ID -> text(USER_ID);
      case API_KEY_ID -> text(API_KEY_ID);
      case MODEL -> text(MODEL);
      case BATCH -> batch;
      case SERVICE_TIER -> text(SERVICE_TIER);
      default -> null;
    };
  }

  UsageResult usageResult(String object) {
    UsageEndpoint e = endpointOf(object);
    if (e == null) {
      return null;
    }
    String project = text(PROJECT_ID);
    String user = text(USER_ID);
    String key = text(API_KEY_ID);
    String model = text(MODEL);
    long requests = n(NUM_MODEL_REQUESTS);
    return switch (e) {
      case COMPLETIONS ->
          new UsageResult.Completions(
              n(INPUT_TOKENS),
              n(INPUT_CACHED_TOKENS),
              n(INPUT_CACHE_WRITE_TOKENS),
              n(INPUT_UNCACHED_TOKENS),
              n(OUTPUT_TOKENS),
              n(INPUT_TEXT_TOKENS),
              n(OUTPUT_TEXT_TOKENS),
              n(INPUT_CACHED_TEXT_TOKENS),
              n(INPUT_AUDIO_TOKENS),
              n(INPUT_CACHED_AUDIO_TOKENS),
              n(OUTPUT_AUDIO_TOKENS),
              n(INPUT_IMAGE_TOKENS),
              n(INPUT_CACHED_IMAGE_TOKENS),
              n(OUTPUT_IMAGE_TOKENS),
              requests,
              project,
              user,
              key,
              model,
              batch,
              text(SERVICE_TIER));
      case EMBEDDINGS ->
          new UsageResult.Embeddings(n(INPUT_TOKENS), requests, project, user, key, model);
      case MODERATIONS ->
          new UsageResult.Moderations(n(INPUT_TOKENS), requests, project, user, key, model);
      case IMAGES ->
          new UsageResult.Images(
              n(IMAGES), requests, text(SOURCE), text(SIZE), project, user, key, model);
      case AUDIO_SPEECHES ->
          new UsageResult.AudioSpeeches(n(CHARACTERS), requests, project, user, key, model);
      case AUDIO_TRANSCRIPTIONS ->
          new UsageResult.AudioTranscriptions(n(SECONDS), requests, project, user, key, model);
      case VECTOR_STORES -> new UsageResult.VectorStores(n(USAGE_BYTES), project);
      case CODE_INTERPRETER_SESSIONS ->
          new UsageResult.CodeInterpreterSessions(n(NUM_SESSIONS), project);
      case FILE_SEARCH_CALLS ->
          new UsageResult.FileSearches(n(NUM_REQUESTS), project, user, key, text(VECTOR_STORE_ID));
      case WEB_SEARCH_CALLS ->
          new UsageResult.WebSearches(
              requests, n(NUM_REQUESTS), project, user, key, model, text(CONTEXT_LEVEL));
    };
  }

  CostResult costResult() {
    return new CostResult(
        amount,
        currency,
        text(LINE_ITEM),
        text(PROJECT_ID),
        text(API_KEY_ID),
        quantity,
        text(QUANTITY_UNIT));
  }
}
