package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PageParserTest {

  private static Page<UsageBucket> usage(String json) {
    return PageParser.parseUsage(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String page(String results) {
    return "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":60,"
        + "\"end_time\":120,\"results\":["
        + results
        + "]}],\"has_more\":false,\"next_page\":null}";
  }

  @Test
  void stringValuesReadTheSameWhateverTheirSpellingOrSpacing() {
    // values are interned per page: escapes, non-ASCII text, values longer than the cache takes,
    // field names as values and spaces around the colon must all read as written
    String longName = "m".repeat(200);
    Page<UsageBucket> p =
        usage(
            page(
                "{\"object\" : \"organization.usage.completions.result\" ,\"model\":\"gpt-4o\","
                    + "\"project_id\" :\t\"proj_\\u0041\\\"q\\\"\", \"user_id\": \"é ü\","
                    + "\"api_key_id\":\""
                    + longName
                    + "\",\"service_tier\":\"\"},"
                    + "{\"object\":\"organization.usage.completions.result\",\"model\":\"gpt-4o\","
                    + "\"project_id\":\"proj_A\\\"q\\\"\",\"user_id\":\"model\","
                    + "\"api_key_id\":\"a:b\",\"service_tier\" : \"flex\" }"));
    UsageResult first = p.buckets().get(0).results().get(0);
    UsageResult second = p.buckets().get(0).results().get(1);
    assertThat(first.model()).isEqualTo("gpt-4o");
    assertThat(first.projectId()).isEqualTo("proj_A\"q\"");
    assertThat(first.userId()).isEqualTo("é ü");
    assertThat(first.apiKeyId()).isEqualTo(longName);
    assertThat(first.dimension(Dimension.SERVICE_TIER)).isEqualTo("");
    assertThat(second.projectId()).isEqualTo("proj_A\"q\"");
    assertThat(second.userId()).isEqualTo("model");
    assertThat(second.apiKeyId()).isEqualTo("a:b");
    assertThat(second.dimension(Dimension.SERVICE_TIER)).isEqualTo("flex");
  }

  @Test
  void unknownFieldsAnywhereAreIgnored() {
    Page<UsageBucket> p =
        usage(
            "{\"object\":\"page\",\"future\":{\"a\":[1,{\"b\":2}]},\"data\":[{\"object\":\"bucket\","
                + "\"start_time\":60,\"end_time\":120,\"extra\":[[]],\"results\":["
                + "{\"object\":\"organization.usage.completions.result\",\"input_tokens\":10,"
                + "\"api_source\":\"responses\",\"details\":{\"x\":[1,2]},\"output_tokens\":3,"
                + "\"num_model_requests\":1}]}],\"has_more\":false,\"next_page\":null,"
                + "\"trailer\":true}");
    assertThat(p.buckets().get(0).results())
        .containsExactly(
            new UsageResult.Completions(
                10, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, null, null, null, null, null, null));
  }

  @Test
  void rowsWhoseFieldsChangeOrderNameOrSpellingFromRowToRowReadTheSame() {
    // the parser first tries the field the previous row had at each position: every way of
    // missing that guess must read as if there were no guess
    String first =
        "{\"object\":\"organization.usage.completions.result\",\"input_tokens\":10,"
            + "\"output_tokens\":3,\"num_model_requests\":1,\"model\":\"m\"}";
    Page<UsageBucket> p =
        usage(
            page(
                first
                    + ","
                    + "{\"output_tokens\":3,\"object\":\"organization.usage.completions.result\","
                    + "\"num_model_requests\":1,\"model\":\"m\",\"input_tokens\":10},"
                    + "{\"object\":\"organization.usage.completions.result\",\"new\":[{}],"
                    + "\"input_tokens\":10,\"output_tokens\":3,\"num_model_requests\":1,"
                    + "\"model\":\"m\"},"
                    + "{\"object\":\"organization.usage.completions.result\","
                    + "\"input\\u005ftokens\":10,\"output_tokens\":3,\"num_model_requests\":1,"
                    + "\"model\":\"m\"},"
                    + "{\"object\":\"organization.usage.completions.result\",\"input_tokens\":10}"));
    UsageResult full =
        new UsageResult.Completions(
            10, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, null, null, null, "m", null, null);
    assertThat(p.buckets().get(0).results())
        .containsExactly(
            full,
            full,
            full,
            full,
            new UsageResult.Completions(
                10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null, null, null));
  }

  @Test
  void unknownResultTypesAreSkippedAndCounted() {
    Page<UsageBucket> p =
        usage(
            page(
                "{\"object\":\"organization.usage.decisions.result\",\"num_decisions\":4},"
                    + "{\"object\":\"organization.usage.embeddings.result\",\"input_tokens\":7,"
                    + "\"num_model_requests\":1},"
                    + "{\"object\":\"organization.costs.result\",\"amount\":{\"value\":1}}"));
    assertThat(p.buckets().get(0).results())
        .containsExactly(new UsageResult.Embeddings(7, 1, null, null, null, null));
    assertThat(p.ignoredResults()).isEqualTo(2);
  }

  @Test
  void legacySessionsFieldAndSingularResultArrayAreRead() {
    Page<UsageBucket> p =
        usage(
            "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":0,"
                + "\"end_time\":86400,\"result\":[{\"object\":"
                + "\"organization.usage.code_interpreter_sessions.result\",\"sessions\":3,"
                + "\"project_id\":\"proj_1\"}]}],\"has_more\":false,\"next_page\":null}");
    assertThat(p.buckets().get(0).results())
        .containsExactly(new UsageResult.CodeInterpreterSessions(3, "proj_1"));
  }

  @Test
  void missingCountersAreZeroAndMissingDimensionsNull() {
    Page<UsageBucket> p = usage(page("{\"object\":\"organization.usage.web_searches.result\"}"));
    assertThat(p.buckets().get(0).results())
        .containsExactly(new UsageResult.WebSearches(0, 0, null, null, null, null, null));
  }

  @Test
  void nullCountersAreZero() {
    Page<UsageBucket> p =
        usage(
            page(
                "{\"object\":\"organization.usage.images.result\",\"images\":null,"
                    + "\"num_model_requests\":2}"));
    assertThat(p.buckets().get(0).results())
        .containsExactly(new UsageResult.Images(0, 2, null, null, null, null, null, null));
  }

  @Test
  void emptyBucketsAndNullResultsAreKept() {
    Page<UsageBucket> p =
        usage(
            "{\"object\":\"page\",\"data\":[{\"start_time\":0,\"end_time\":60,\"results\":[]},"
                + "{\"start_time\":60,\"end_time\":120,\"results\":null}],\"has_more\":false}");
    assertThat(p.buckets()).hasSize(2);
    assertThat(p.buckets()).allSatisfy(b -> assertThat(b.results()).isEmpty());
  }

  @Test
  void countersWrittenAsWholeFloatsOrStringsAreRead() {
    Page<UsageBucket> p =
        usage(
            page(
                "{\"object\":\"organization.usage.moderations.result\",\"input_tokens\":12.0,"
                    + "\"num_model_requests\":\"3\"}"));
    assertThat(p.buckets().get(0).results())
        .containsExactly(new UsageResult.Moderations(12, 3, null, null, null, null));
  }

  @Test
  void batchGivenAsStringIsRead() {
    Page<UsageBucket> p =
        usage(page("{\"object\":\"organization.usage.completions.result\",\"batch\":\"true\"}"));
    assertThat(((UsageResult.Completions) p.buckets().get(0).results().get(0)).batch()).isTrue();
  }

  @Test
  void resultsWithoutAnObjectAreSkippedWhenTheEndpointIsUnknown() {
    Page<UsageBucket> p = usage(page("{\"input_tokens\":5}"));
    assertThat(p.buckets().get(0).results()).isEmpty();
    assertThat(p.ignoredResults()).isEqualTo(1);
  }

  @Test
  void resultsWithoutAnObjectTakeTheTypeOfTheEndpointAsked() throws Exception {
    Page<UsageBucket> p =
        PageParser.usage(
            page("{\"input_tokens\":5,\"num_model_requests\":1}").getBytes(StandardCharsets.UTF_8),
            UsageEndpoint.EMBEDDINGS);
    assertThat(p.buckets().get(0).results())
        .containsExactly(new UsageResult.Embeddings(5, 1, null, null, null, null));
  }

  @Test
  void costAmountAndQuantityGivenAsStringsAreExactDecimals() {
    Page<CostBucket> p =
        PageParser.parseCosts(
            page("{\"object\":\"organization.costs.result\",\"amount\":{\"value\":\"0.1234567890123\","
                    + "\"currency\":\"usd\"},\"quantity\":\"1500.5\",\"quantity_unit\":\"1000_tokens\"}")
                .getBytes(StandardCharsets.UTF_8));
    CostResult r = p.buckets().get(0).results().get(0);
    assertThat(r.amount()).isEqualTo(new BigDecimal("0.1234567890123"));
    assertThat(r.quantity()).isEqualTo(new BigDecimal("1500.5"));
    assertThat(r.quantityUnit()).isEqualTo("1000_tokens");
  }

  @Test
  void costAmountNumbersKeepEveryDigit() {
    Page<CostBucket> p =
        PageParser.parseCosts(
            page("{\"object\":\"organization.costs.result\",\"amount\":{\"value\":"
                    + "0.30000000000000004441,\"currency\":\"usd\"}}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(p.buckets().get(0).results().get(0).amount())
        .isEqualTo(new BigDecimal("0.30000000000000004441"));
  }

  @Test
  void costResultWithoutAmountHasNullAmount() {
    Page<CostBucket> p =
        PageParser.parseCosts(
            page("{\"object\":\"organization.costs.result\",\"line_item\":\"x\"}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(p.buckets().get(0).results())
        .containsExactly(new CostResult(null, null, "x", null, null, null, null));
  }

  @Test
  void truncatedJsonIsReportedAsTruncated() {
    String whole =
        page("{\"object\":\"organization.usage.completions.result\",\"input_tokens\":1}");
    assertThatThrownBy(() -> usage(whole.substring(0, whole.length() - 30)))
        .isInstanceOfSatisfying(
            BadResponseException.class,
            e -> assertThat(e.kind()).isEqualTo(BadResponseException.Kind.TRUNCATED))
        .hasMessageContaining("ends early");
  }

  @Test
  void htmlIsReportedAsHtmlWithItsFirstCharacters() {
    assertThatThrownBy(() -> usage("<!DOCTYPE html>\n<html><body>Bad gateway</body></html>"))
        .isInstanceOfSatisfying(
            BadResponseException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(BadResponseException.Kind.HTML);
              assertThat(e.bodyStart())
                  .isEqualTo("\"<!DOCTYPE html> <html><body>Bad gateway</body></html>\"");
            });
  }

  @Test
  void emptyBodyIsReportedAsEmpty() {
    assertThatThrownBy(() -> usage("  \n"))
        .isInstanceOfSatisfying(
            BadResponseException.class,
            e -> assertThat(e.kind()).isEqualTo(BadResponseException.Kind.EMPTY));
  }

  @Test
  void jsonOfTheWrongShapeNamesWhereItWentWrong() {
    assertThatThrownBy(() -> usage("[1,2]"))
        .isInstanceOfSatisfying(
            BadResponseException.class,
            e -> assertThat(e.kind()).isEqualTo(BadResponseException.Kind.UNEXPECTED_JSON))
        .hasMessageContaining("expected a page object at $ but found an array");
    assertThatThrownBy(() -> usage("{\"object\":\"page\",\"has_more\":false}"))
        .hasMessageContaining("\"data\" array");
    assertThatThrownBy(
            () ->
                usage(
                    "{\"data\":[{\"start_time\":0,\"end_time\":60,\"results\":[]},"
                        + "{\"start_time\":60,\"end_time\":120,\"results\":[{\"object\":"
                        + "\"organization.usage.embeddings.result\",\"input_tokens\":{}}]}]}"))
        .hasMessageContaining(
            "expected a number at $.data[1].results[0].input_tokens but found an object");
  }

  @Test
  void bucketWithoutTimesIsRejected() {
    assertThatThrownBy(() -> usage("{\"data\":[{\"start_time\":0,\"results\":[]}]}"))
        .hasMessageContaining("start_time and end_time in the bucket at $.data[0]");
  }

  @Test
  void impossibleCountsAreRejectedWithTheirPlace() {
    assertThatThrownBy(
            () ->
                usage(
                    page(
                        "{\"object\":\"organization.usage.completions.result\",\"input_tokens\":5,"
                            + "\"input_cached_tokens\":9}")))
        .isInstanceOf(BadResponseException.class)
        .hasMessageContaining("input_cached_tokens (9) cannot exceed input_tokens (5)")
        .hasMessageContaining("$.data[0].results[0]");
    assertThatThrownBy(
            () ->
                usage(
                    page(
                        "{\"object\":\"organization.usage.embeddings.result\",\"input_tokens\":-1}")))
        .hasMessageContaining("cannot be negative");
    assertThatThrownBy(
            () ->
                usage(
                    page(
                        "{\"object\":\"organization.usage.embeddings.result\",\"input_tokens\":1.5}")))
        .hasMessageContaining("expected a whole number at $.data[0].results[0].input_tokens");
  }

  @Test
  void equalHashesOfDifferentNamesStayDifferent() {
    // "Aa" and "BB" share a String hash code; repeated values may be reused, never confused.
    Page<UsageBucket> p =
        usage(
            page(
                "{\"object\":\"organization.usage.embeddings.result\",\"model\":\"Aa\"},"
                    + "{\"object\":\"organization.usage.embeddings.result\",\"model\":\"BB\"},"
                    + "{\"object\":\"organization.usage.embeddings.result\",\"model\":\"Aa\"}"));
    assertThat(p.buckets().get(0).results())
        .extracting(r -> r.dimension(Dimension.MODEL))
        .containsExactly("Aa", "BB", "Aa");
  }

  @Test
  void aCounterTooLargeForALongIsRejected() {
    assertThatThrownBy(
            () ->
                usage(
                    page(
                        "{\"object\":\"organization.usage.embeddings.result\",\"input_tokens\":"
                            + "99999999999999999999}")))
        .isInstanceOfSatisfying(
            BadResponseException.class,
            e -> assertThat(e.kind()).isEqualTo(BadResponseException.Kind.UNEXPECTED_JSON))
        .hasMessageContaining("99999999999999999999 is too large");
  }

  @Test
  void hasMoreWithoutACursorIsRejectedRatherThanEndingEarly() {
    assertThatThrownBy(() -> usage("{\"data\":[],\"has_more\":true,\"next_page\":null}"))
        .isInstanceOfSatisfying(
            BadResponseException.class,
            e -> assertThat(e.kind()).isEqualTo(BadResponseException.Kind.UNEXPECTED_JSON))
        .hasMessageContaining("has_more=true but gives no next_page");
  }
}
