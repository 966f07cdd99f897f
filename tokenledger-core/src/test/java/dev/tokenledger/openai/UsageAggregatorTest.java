package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.TokenCounts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageAggregatorTest {
  private static final Instant T0 = Instant.parse("2024-10-09T12:00:00Z");

  private static UsageResult.Completions completions(
      String model,
      Boolean batch,
      String tier,
      String keyId,
      long in,
      long cached,
      long out,
      long req) {
    return new UsageResult.Completions(
        in, cached, 0, 0, out, 0, 0, 0, 0, 0, 0, 0, 0, 0, req, null, null, keyId, model, batch,
        tier);
  }

  private static UsageBucket bucket(int minute, UsageResult... results) {
    Instant s = T0.plusSeconds(60L * minute);
    return new UsageBucket(s, s.plusSeconds(60), List.of(results));
  }

  @Test
  void everyRowOfEveryBucketCountsOnceInItsGroup() {
    List<UsageBucket> buckets =
        List.of(
            bucket(
                0,
                completions("gpt-5-mini", false, "default", "key_a", 100, 20, 10, 1),
                completions("gpt-5-mini", true, "default", "key_a", 50, 0, 5, 1)),
            bucket(1),
            bucket(
                2,
                completions("gpt-5-mini", false, "default", "key_b", 30, 10, 3, 2),
                completions("gpt-4o", false, "flex", "key_a", 7, 0, 1, 1)));

    UsageAggregator agg =
        UsageAggregator.by(Dimension.MODEL, Dimension.BATCH, Dimension.SERVICE_TIER)
            .addAll(buckets);

    Map<GroupKey, UsageTotals> groups = agg.groups();
    assertThat(groups).hasSize(3);
    assertThat(groups.keySet())
        .extracting(GroupKey::toString)
        .containsExactly(
            "completions model=gpt-5-mini batch=false service_tier=default",
            "completions model=gpt-5-mini batch=true service_tier=default",
            "completions model=gpt-4o batch=false service_tier=flex");
    GroupKey first = groups.keySet().iterator().next();
    assertThat(groups.get(first).tokens()).isEqualTo(new TokenCounts(130, 30, 13, 3));
    assertThat(groups.get(first).rows()).isEqualTo(2);
    assertThat(first.value(Dimension.BATCH)).isEqualTo(Boolean.FALSE);
    assertThat(first.text(Dimension.MODEL)).isEqualTo("gpt-5-mini");
    assertThat(agg.total(UsageEndpoint.COMPLETIONS).tokens())
        .isEqualTo(new TokenCounts(187, 30, 19, 5));
    assertThat(agg.buckets()).isEqualTo(3);
    assertThat(agg.rows()).isEqualTo(4);
  }

  @Test
  void groupingByKeyAndModelSeparatesKeys() {
    UsageAggregator agg =
        UsageAggregator.by(Dimension.API_KEY_ID, Dimension.MODEL)
            .add(bucket(0, completions("m", null, null, "key_a", 10, 0, 1, 1)))
            .add(bucket(1, completions("m", null, null, "key_b", 20, 0, 2, 1)))
            .add(bucket(2, completions("m", null, null, "key_a", 30, 0, 3, 1)));
    assertThat(agg.groups().values())
        .extracting(UsageTotals::tokens)
        .containsExactly(new TokenCounts(40, 0, 4, 2), new TokenCounts(20, 0, 2, 1));
  }

  @Test
  void ungroupedRowsHaveNullValuesAndStillSum() {
    UsageAggregator agg =
        UsageAggregator.by(Dimension.MODEL)
            .add(bucket(0, completions(null, null, null, null, 5, 1, 1, 1)))
            .add(bucket(1, completions(null, null, null, null, 5, 1, 1, 1)));
    assertThat(agg.groups()).hasSize(1);
    GroupKey k = agg.groups().keySet().iterator().next();
    assertThat(k.value(Dimension.MODEL)).isNull();
    assertThat(agg.groups().get(k).tokens()).isEqualTo(new TokenCounts(10, 2, 2, 2));
    assertThatThrownBy(() -> k.value(Dimension.BATCH))
        .hasMessage("this group key has no batch; it has [model]");
  }

  @Test
  void endpointsNeverMixAndNonTokenCountersAreKept() {
    UsageAggregator agg =
        UsageAggregator.by(Dimension.PROJECT_ID)
            .add(
                bucket(
                    0,
                    completions(null, null, null, null, 100, 0, 10, 1),
                    new UsageResult.Embeddings(40, 2, null, null, null, null),
                    new UsageResult.Images(3, 3, null, null, null, null, null, null),
                    new UsageResult.AudioSpeeches(500, 1, null, null, null, null),
                    new UsageResult.AudioTranscriptions(61, 1, null, null, null, null),
                    new UsageResult.VectorStores(1024, null),
                    new UsageResult.CodeInterpreterSessions(2, null),
                    new UsageResult.FileSearches(4, null, null, null, null),
                    new UsageResult.WebSearches(1, 6, null, null, null, null, null),
                    new UsageResult.Moderations(8, 1, null, null, null, null)));

    Map<UsageEndpoint, UsageTotals> byEndpoint = agg.totalsByEndpoint();
    assertThat(byEndpoint).hasSize(10);
    assertThat(byEndpoint.get(UsageEndpoint.COMPLETIONS).tokens())
        .isEqualTo(new TokenCounts(100, 0, 10, 1));
    assertThat(byEndpoint.get(UsageEndpoint.EMBEDDINGS).tokens())
        .isEqualTo(new TokenCounts(40, 0, 0, 2));
    assertThat(byEndpoint.get(UsageEndpoint.MODERATIONS).tokens())
        .isEqualTo(new TokenCounts(8, 0, 0, 1));
    assertThat(byEndpoint.get(UsageEndpoint.IMAGES).images()).isEqualTo(3);
    assertThat(byEndpoint.get(UsageEndpoint.IMAGES).tokens().requests()).isEqualTo(3);
    assertThat(byEndpoint.get(UsageEndpoint.AUDIO_SPEECHES).characters()).isEqualTo(500);
    assertThat(byEndpoint.get(UsageEndpoint.AUDIO_TRANSCRIPTIONS).seconds()).isEqualTo(61);
    assertThat(byEndpoint.get(UsageEndpoint.VECTOR_STORES).usageBytes()).isEqualTo(1024);
    assertThat(byEndpoint.get(UsageEndpoint.CODE_INTERPRETER_SESSIONS).sessions()).isEqualTo(2);
    assertThat(byEndpoint.get(UsageEndpoint.FILE_SEARCH_CALLS).numRequests()).isEqualTo(4);
    assertThat(byEndpoint.get(UsageEndpoint.WEB_SEARCH_CALLS).numRequests()).isEqualTo(6);
    assertThat(byEndpoint.get(UsageEndpoint.WEB_SEARCH_CALLS).tokens().requests()).isEqualTo(1);
    assertThat(agg.total(UsageEndpoint.EMBEDDINGS))
        .isEqualTo(new UsageTotals(new TokenCounts(40, 0, 0, 2), 0, 0, 0, 0, 0, 0, 1));
    assertThat(
            agg.total(UsageEndpoint.COMPLETIONS).plus(agg.total(UsageEndpoint.MODERATIONS)).rows())
        .isEqualTo(2);
  }

  @Test
  void anEmptyAggregatorTotalsZero() {
    UsageAggregator agg = UsageAggregator.by();
    assertThat(agg.total(UsageEndpoint.COMPLETIONS)).isEqualTo(UsageTotals.ZERO);
    assertThat(agg.groups()).isEmpty();
  }

  @Test
  void totalsOfOneRowMatchTheRow() {
    UsageResult r = completions("m", false, "default", "key_a", 9, 3, 2, 1);
    assertThat(UsageTotals.of(r))
        .isEqualTo(new UsageTotals(new TokenCounts(9, 3, 2, 1), 0, 0, 0, 0, 0, 0, 1));
    assertThat(GroupKey.of(r, List.of(Dimension.API_KEY_ID)))
        .isEqualTo(
            GroupKey.of(
                completions("x", true, null, "key_a", 1, 0, 0, 0), List.of(Dimension.API_KEY_ID)));
  }
}
