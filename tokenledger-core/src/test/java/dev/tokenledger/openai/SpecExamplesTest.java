package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every usage and costs example of the OpenAI spec (current and legacy 498c71d), parsed field by
 * field. Whole-record equality checks every component of a result.
 */
class SpecExamplesTest {
  private static final Instant NOV_1 = Instant.ofEpochSecond(1730419200);
  private static final Instant NOV_2 = Instant.ofEpochSecond(1730505600);
  private static final String CURSOR = "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=";

  private static UsageResult onlyResult(Page<UsageBucket> page) {
    assertThat(page.buckets()).hasSize(1);
    UsageBucket bucket = page.buckets().get(0);
    assertThat(bucket.start()).isEqualTo(NOV_1);
    assertThat(bucket.end()).isEqualTo(NOV_2);
    assertThat(bucket.results()).hasSize(1);
    assertThat(page.ignoredResults()).isZero();
    return bucket.results().get(0);
  }

  private static UsageResult usagePage(String file, boolean hasMore) {
    Page<UsageBucket> page = PageParser.parseUsage(SpecData.bytes(file));
    assertThat(page.hasMore()).isEqualTo(hasMore);
    assertThat(page.nextPage()).isEqualTo(hasMore ? CURSOR : null);
    return onlyResult(page);
  }

  private static UsageResult objectExample(String file) {
    Page<UsageBucket> page = PageParser.parseUsage(SpecData.pageAround(file));
    assertThat(page.hasMore()).isFalse();
    assertThat(page.nextPage()).isNull();
    return onlyResult(page);
  }

  @Nested
  class UsagePages {
    @Test
    void completionsPageHasEveryTokenCounterAndNoDimensions() {
      UsageResult r = usagePage("usage-completions.example.json", true);
      assertThat(r)
          .isEqualTo(
              new UsageResult.Completions(
                  1000, // input_tokens
                  400, // input_cached_tokens
                  100, // input_cache_write_tokens
                  500, // input_uncached_tokens
                  500, // output_tokens
                  400, // input_text_tokens
                  400, // output_text_tokens
                  300, // input_cached_text_tokens
                  50, // input_audio_tokens
                  50, // input_cached_audio_tokens
                  50, // output_audio_tokens
                  50, // input_image_tokens
                  50, // input_cached_image_tokens
                  50, // output_image_tokens
                  5, // num_model_requests
                  null, null, null, null, null, null));
      assertThat(r.object()).isEqualTo("organization.usage.completions.result");
      assertThat(r.tokens()).isEqualTo(new TokenCounts(1000, 400, 500, 5));
      // uncached input 600 = input_uncached_tokens 500 + cache-write 100, both priced as input.
      assertThat(r.tokens().uncachedInput()).isEqualTo(600);
    }

    @Test
    void embeddingsPage() {
      assertThat(usagePage("usage-embeddings.example.json", false))
          .isEqualTo(new UsageResult.Embeddings(16, 2, null, null, null, null));
    }

    @Test
    void moderationsPage() {
      assertThat(usagePage("usage-moderations.example.json", false))
          .isEqualTo(new UsageResult.Moderations(16, 2, null, null, null, null));
    }

    @Test
    void imagesPage() {
      assertThat(usagePage("usage-images.example.json", false))
          .isEqualTo(new UsageResult.Images(2, 2, null, null, null, null, null, null));
    }

    @Test
    void audioSpeechesPage() {
      assertThat(usagePage("usage-audio-speeches.example.json", false))
          .isEqualTo(new UsageResult.AudioSpeeches(45, 1, null, null, null, null));
    }

    @Test
    void audioTranscriptionsPage() {
      assertThat(usagePage("usage-audio-transcriptions.example.json", false))
          .isEqualTo(new UsageResult.AudioTranscriptions(20, 1, null, null, null, null));
    }

    @Test
    void vectorStoresPage() {
      assertThat(usagePage("usage-vector-stores.example.json", false))
          .isEqualTo(new UsageResult.VectorStores(1024, null));
    }

    @Test
    void codeInterpreterSessionsPage() {
      assertThat(usagePage("usage-code-interpreter-sessions.example.json", false))
          .isEqualTo(new UsageResult.CodeInterpreterSessions(1, null));
    }

    @Test
    void fileSearchCallsPageUsesTheFileSearchesObjectName() {
      UsageResult r = usagePage("usage-file-search-calls.example.json", false);
      assertThat(r).isEqualTo(new UsageResult.FileSearches(2, null, null, null, null));
      assertThat(r.object()).isEqualTo("organization.usage.file_searches.result");
      assertThat(r.endpoint()).isEqualTo(UsageEndpoint.FILE_SEARCH_CALLS);
    }

    @Test
    void webSearchCallsPageUsesTheWebSearchesObjectName() {
      UsageResult r = usagePage("usage-web-search-calls.example.json", false);
      assertThat(r).isEqualTo(new UsageResult.WebSearches(2, 2, null, null, null, null, null));
      assertThat(r.object()).isEqualTo("organization.usage.web_searches.result");
      assertThat(r.endpoint()).isEqualTo(UsageEndpoint.WEB_SEARCH_CALLS);
    }
  }

  @Nested
  class ResultObjects {
    @Test
    void completionsResultWithEveryDimension() {
      UsageResult r = objectExample("object-usage-completions-result.example.json");
      assertThat(r)
          .isEqualTo(
              new UsageResult.Completions(
                  5000,
                  1800,
                  200,
                  3000,
                  1000,
                  2500,
                  800,
                  1500,
                  300,
                  100,
                  100,
                  200,
                  200,
                  100,
                  5,
                  "proj_abc",
                  "user-abc",
                  "key_abc",
                  "gpt-4o-mini-2024-07-18",
                  false,
                  "default"));
      assertThat(r.tokens()).isEqualTo(new TokenCounts(5000, 1800, 1000, 5));
      assertThat(r.dimension(Dimension.BATCH)).isEqualTo(Boolean.FALSE);
      assertThat(r.dimension(Dimension.SERVICE_TIER)).isEqualTo("default");
      assertThat(r.dimension(Dimension.API_KEY_ID)).isEqualTo("key_abc");
    }

    @Test
    void embeddingsResult() {
      assertThat(objectExample("object-usage-embeddings-result.example.json"))
          .isEqualTo(
              new UsageResult.Embeddings(
                  20, 2, "proj_abc", "user-abc", "key_abc", "text-embedding-ada-002-v2"));
    }

    @Test
    void moderationsResult() {
      assertThat(objectExample("object-usage-moderations-result.example.json"))
          .isEqualTo(
              new UsageResult.Moderations(
                  20, 2, "proj_abc", "user-abc", "key_abc", "text-moderation"));
    }

    @Test
    void imagesResult() {
      UsageResult r = objectExample("object-usage-images-result.example.json");
      assertThat(r)
          .isEqualTo(
              new UsageResult.Images(
                  2,
                  2,
                  "image.generation",
                  "1024x1024",
                  "proj_abc",
                  "user-abc",
                  "key_abc",
                  "dall-e-3"));
      assertThat(r.dimension(Dimension.SIZE)).isEqualTo("1024x1024");
      assertThat(r.dimension(Dimension.SOURCE)).isEqualTo("image.generation");
    }

    @Test
    void audioSpeechesResult() {
      assertThat(objectExample("object-usage-audio-speeches-result.example.json"))
          .isEqualTo(
              new UsageResult.AudioSpeeches(45, 1, "proj_abc", "user-abc", "key_abc", "tts-1"));
    }

    @Test
    void audioTranscriptionsResult() {
      assertThat(objectExample("object-usage-audio-transcriptions-result.example.json"))
          .isEqualTo(
              new UsageResult.AudioTranscriptions(
                  10, 1, "proj_abc", "user-abc", "key_abc", "tts-1"));
    }

    @Test
    void vectorStoresResult() {
      assertThat(objectExample("object-usage-vector-stores-result.example.json"))
          .isEqualTo(new UsageResult.VectorStores(1024, "proj_abc"));
    }

    @Test
    void codeInterpreterSessionsResult() {
      assertThat(objectExample("object-usage-code-interpreter-sessions-result.example.json"))
          .isEqualTo(new UsageResult.CodeInterpreterSessions(1, "proj_abc"));
    }

    @Test
    void fileSearchesResult() {
      UsageResult r = objectExample("object-usage-file-search-calls-result.example.json");
      assertThat(r)
          .isEqualTo(new UsageResult.FileSearches(2, "proj_abc", "user-abc", "key_abc", "vs_abc"));
      assertThat(r.dimension(Dimension.VECTOR_STORE_ID)).isEqualTo("vs_abc");
    }

    @Test
    void webSearchesResult() {
      UsageResult r = objectExample("object-usage-web-search-calls-result.example.json");
      assertThat(r)
          .isEqualTo(
              new UsageResult.WebSearches(
                  2, 2, "proj_abc", "user-abc", "key_abc", "gpt-4o-mini-2024-07-18", "medium"));
      assertThat(r.dimension(Dimension.CONTEXT_LEVEL)).isEqualTo("medium");
    }

    @Test
    void costsResultWithLineItemQuantityAndUnitButNoApiKeyId() {
      Page<CostBucket> page =
          PageParser.parseCosts(SpecData.pageAround("object-costs-result.example.json"));
      assertThat(page.buckets()).hasSize(1);
      assertThat(page.buckets().get(0).results())
          .containsExactly(
              new CostResult(
                  new BigDecimal("0.06"),
                  "usd",
                  "input_tokens",
                  "proj_abc",
                  null,
                  new BigDecimal("10000"),
                  "tokens"));
    }
  }

  @Nested
  class Costs {
    @Test
    void costsPageHasAnAmountAndNullDimensions() {
      Page<CostBucket> page = PageParser.parseCosts(SpecData.bytes("costs.example.json"));
      assertThat(page.hasMore()).isFalse();
      assertThat(page.nextPage()).isNull();
      assertThat(page.buckets())
          .containsExactly(
              new CostBucket(
                  NOV_1,
                  NOV_2,
                  List.of(
                      new CostResult(
                          new BigDecimal("0.06"), "usd", null, null, null, null, null))));
    }

    @Test
    void legacyCostsPageWithoutApiKeyIdQuantityOrUnit() {
      Page<CostBucket> page =
          PageParser.parseCosts(SpecData.bytes("legacy-498c71d/costs.example.json"));
      assertThat(page.hasMore()).isFalse();
      assertThat(page.nextPage()).isNull();
      assertThat(page.buckets())
          .containsExactly(
              new CostBucket(
                  NOV_1,
                  NOV_2,
                  List.of(
                      new CostResult(
                          new BigDecimal("0.06"), "usd", null, null, null, null, null))));
    }
  }

  @Nested
  class Legacy {
    @Test
    void legacyCompletionsWithoutCacheWriteModalitiesOrServiceTier() {
      UsageResult r = usagePage("legacy-498c71d/usage-completions.example.json", true);
      assertThat(r)
          .isEqualTo(
              new UsageResult.Completions(
                  1000, 800, 0, 0, 500, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, null, null, null, null, null,
                  null));
      assertThat(r.tokens()).isEqualTo(new TokenCounts(1000, 800, 500, 5));
    }

    @Test
    void legacyEmbeddings() {
      assertThat(usagePage("legacy-498c71d/usage-embeddings.example.json", false))
          .isEqualTo(new UsageResult.Embeddings(16, 2, null, null, null, null));
    }

    @Test
    void legacyModerations() {
      assertThat(usagePage("legacy-498c71d/usage-moderations.example.json", false))
          .isEqualTo(new UsageResult.Moderations(16, 2, null, null, null, null));
    }

    @Test
    void legacyImages() {
      assertThat(usagePage("legacy-498c71d/usage-images.example.json", false))
          .isEqualTo(new UsageResult.Images(2, 2, null, null, null, null, null, null));
    }

    @Test
    void legacyAudioSpeeches() {
      assertThat(usagePage("legacy-498c71d/usage-audio-speeches.example.json", false))
          .isEqualTo(new UsageResult.AudioSpeeches(45, 1, null, null, null, null));
    }

    @Test
    void legacyAudioTranscriptions() {
      assertThat(usagePage("legacy-498c71d/usage-audio-transcriptions.example.json", false))
          .isEqualTo(new UsageResult.AudioTranscriptions(20, 1, null, null, null, null));
    }

    @Test
    void legacyVectorStores() {
      assertThat(usagePage("legacy-498c71d/usage-vector-stores.example.json", false))
          .isEqualTo(new UsageResult.VectorStores(1024, null));
    }

    @Test
    void legacyCodeInterpreterSessions() {
      assertThat(usagePage("legacy-498c71d/usage-code-interpreter-sessions.example.json", false))
          .isEqualTo(new UsageResult.CodeInterpreterSessions(1, null));
    }
  }
}
