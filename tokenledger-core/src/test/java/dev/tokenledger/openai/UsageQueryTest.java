package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UsageQueryTest {
  private static final Instant START = Instant.parse("2024-10-09T12:17:30Z");
  private static final Instant END = Instant.parse("2024-10-09T13:17:10Z");

  private static UsageQuery.Builder completions() {
    return UsageQuery.builder(UsageEndpoint.COMPLETIONS).window(START, END);
  }

  @Test
  void windowIsWidenedToWholeBuckets() {
    UsageQuery q = completions().width(BucketWidth.MINUTE).build();
    assertThat(q.start()).isEqualTo(START);
    assertThat(q.end()).isEqualTo(END);
    assertThat(q.alignedStart()).isEqualTo(Instant.parse("2024-10-09T12:17:00Z"));
    assertThat(q.alignedEnd()).isEqualTo(Instant.parse("2024-10-09T13:18:00Z"));
    assertThat(q.bucketCount()).isEqualTo(61);
  }

  @Test
  void limitDefaultsToTheBucketsInTheWindowUpToTheMaximum() {
    assertThat(completions().width(BucketWidth.MINUTE).build().limit()).isEqualTo(61);
    assertThat(
            completions()
                .width(BucketWidth.MINUTE)
                .end(START.plusSeconds(86_400 * 3))
                .build()
                .limit())
        .isEqualTo(1440);
    assertThat(completions().width(BucketWidth.DAY).build().limit()).isEqualTo(1);
    assertThat(completions().width(BucketWidth.MINUTE).limit(10).build().limit()).isEqualTo(10);
  }

  @ParameterizedTest
  @EnumSource(BucketWidth.class)
  void limitAboveTheWidthsMaximumIsRejected(BucketWidth width) {
    assertThatThrownBy(() -> completions().width(width).limit(width.maxLimit() + 1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "limit must be between 1 and "
                + width.maxLimit()
                + " for bucket_width "
                + width.wire()
                + ", was "
                + (width.maxLimit() + 1));
    assertThat(completions().width(width).limit(width.maxLimit()).build().limit())
        .isEqualTo(width.maxLimit());
  }

  @Test
  void limitBelowOneIsRejected() {
    assertThatThrownBy(() -> completions().limit(0).build())
        .hasMessage("limit must be between 1 and 31 for bucket_width 1d, was 0");
  }

  @Test
  void endNotAfterStartIsRejected() {
    assertThatThrownBy(() -> completions().end(START).build())
        .hasMessage(
            "end (2024-10-09T12:17:30Z) must be after start (2024-10-09T12:17:30Z): the window"
                + " [start, end) is empty");
    assertThatThrownBy(() -> UsageQuery.builder(UsageEndpoint.COMPLETIONS).start(START).build())
        .hasMessage("end is required: the exclusive end of the window");
    assertThatThrownBy(() -> UsageQuery.builder(UsageEndpoint.COMPLETIONS).end(END).build())
        .hasMessage("start is required: the inclusive start of the window");
  }

  @Test
  void groupByTheEndpointDoesNotAcceptIsRejected() {
    assertThatThrownBy(
            () ->
                UsageQuery.builder(UsageEndpoint.EMBEDDINGS)
                    .window(START, END)
                    .groupBy(Dimension.MODEL, Dimension.BATCH)
                    .build())
        .hasMessage(
            "group_by batch is not accepted by /organization/usage/embeddings; it accepts"
                + " project_id, user_id, api_key_id, model");
    assertThatThrownBy(
            () ->
                UsageQuery.builder(UsageEndpoint.VECTOR_STORES)
                    .window(START, END)
                    .groupBy(Dimension.API_KEY_ID)
                    .build())
        .hasMessageContaining(
            "group_by api_key_id is not accepted by /organization/usage/vector_stores");
  }

  @Test
  void filtersTheEndpointDoesNotAcceptAreRejected() {
    assertThatThrownBy(
            () ->
                UsageQuery.builder(UsageEndpoint.EMBEDDINGS).window(START, END).batch(true).build())
        .hasMessage(
            "filter batch is not accepted by /organization/usage/embeddings; it accepts"
                + " project_ids, user_ids, api_key_ids, models");
    assertThatThrownBy(
            () ->
                UsageQuery.builder(UsageEndpoint.CODE_INTERPRETER_SESSIONS)
                    .window(START, END)
                    .userIds("user_1")
                    .build())
        .hasMessage(
            "filter user_ids is not accepted by /organization/usage/code_interpreter_sessions;"
                + " it accepts project_ids");
    assertThatThrownBy(
            () ->
                UsageQuery.builder(UsageEndpoint.FILE_SEARCH_CALLS)
                    .window(START, END)
                    .models("gpt-4o")
                    .build())
        .hasMessageContaining("filter models is not accepted");
    assertThatThrownBy(() -> completions().sizes("1024x1024").build())
        .hasMessageContaining("filter sizes is not accepted by /organization/usage/completions");
    assertThatThrownBy(() -> completions().apiKeyIds("key_a", " ").build())
        .hasMessage("api_key_ids cannot contain an empty value, was [key_a,  ]");
  }

  @Test
  void everyEndpointAcceptsItsOwnGroupByAndFilters() {
    for (UsageEndpoint e : UsageEndpoint.values()) {
      UsageQuery.Builder b =
          UsageQuery.builder(e).window(START, END).groupBy(e.groupByValues()).projectIds("proj_1");
      if (e.filters().contains(UsageFilter.BATCH)) {
        b.batch(false);
      }
      if (e.filters().contains(UsageFilter.CONTEXT_LEVELS)) {
        b.contextLevels("high");
      }
      if (e.filters().contains(UsageFilter.VECTOR_STORE_IDS)) {
        b.vectorStoreIds("vs_1");
      }
      if (e.filters().contains(UsageFilter.SOURCES)) {
        b.sources("image.edit").sizes("512x512");
      }
      assertThat(b.build().groupBy()).containsExactlyElementsOf(e.groupByValues());
    }
  }

  @Test
  void queryStringUsesBracketArraysAndEncodesEveryValue() {
    UsageQuery q =
        completions()
            .width(BucketWidth.MINUTE)
            .limit(30)
            .groupBy(Dimension.MODEL, Dimension.API_KEY_ID)
            .apiKeyIds("key_a", "key b&c")
            .models("ft:gpt-4o:org/x=y")
            .batch(false)
            .build();
    assertThat(q.toQueryString())
        .isEqualTo(
            "start_time=1728476220&end_time=1728479880&bucket_width=1m&limit=30"
                + "&group_by%5B%5D=model&group_by%5B%5D=api_key_id"
                + "&api_key_ids%5B%5D=key_a&api_key_ids%5B%5D=key%20b%26c"
                + "&models%5B%5D=ft%3Agpt-4o%3Aorg%2Fx%3Dy&batch=false");
    assertThat(q.toString()).startsWith("/organization/usage/completions?start_time=1728476220");
  }

  @Test
  void buildersRoundTripAndQueriesCompareByValue() {
    UsageQuery q = completions().groupBy(Dimension.MODEL).apiKeyIds("key_a").build();
    assertThat(q.newBuilder().build()).isEqualTo(q).hasSameHashCodeAs(q);
    assertThat(q.newBuilder().batch(true).build()).isNotEqualTo(q);
  }

  @Test
  void costsQueryIsDailyAndChecksItsOwnRules() {
    CostsQuery q =
        CostsQuery.builder()
            .window(START, END)
            .groupBy(Dimension.LINE_ITEM, Dimension.API_KEY_ID)
            .projectIds("proj_1")
            .build();
    assertThat(q.alignedStart()).isEqualTo(Instant.parse("2024-10-09T00:00:00Z"));
    assertThat(q.alignedEnd()).isEqualTo(Instant.parse("2024-10-10T00:00:00Z"));
    assertThat(q.toQueryString())
        .isEqualTo(
            "start_time=1728432000&end_time=1728518400&bucket_width=1d&limit=1"
                + "&group_by%5B%5D=line_item&group_by%5B%5D=api_key_id&project_ids%5B%5D=proj_1");
    assertThatThrownBy(() -> CostsQuery.builder().window(START, END).limit(181).build())
        .hasMessage("limit must be between 1 and 180 for /organization/costs, was 181");
    assertThatThrownBy(
            () -> CostsQuery.builder().window(START, END).groupBy(Dimension.MODEL).build())
        .hasMessage(
            "group_by model is not accepted by /organization/costs; it accepts project_id,"
                + " api_key_id, line_item");
  }

  @Test
  void endpointsAndDimensionsAreFoundByTheirWireNames() {
    assertThat(UsageEndpoint.fromWireName("web-search-calls"))
        .isEqualTo(UsageEndpoint.WEB_SEARCH_CALLS);
    assertThat(Dimension.fromWire("API_KEY_ID")).isEqualTo(Dimension.API_KEY_ID);
    assertThatThrownBy(() -> UsageEndpoint.fromWireName("chat"))
        .hasMessageStartingWith("usage endpoint 'chat' is not known; use one of completions,");
    assertThatThrownBy(() -> Dimension.fromWire("org"))
        .hasMessageStartingWith("group_by 'org' is not a known dimension; use one of project_id,");
  }
}
