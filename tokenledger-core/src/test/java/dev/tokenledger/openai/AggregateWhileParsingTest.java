package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PageParser#aggregateUsage} sums without building rows; these prove it gives what adding
 * {@link PageParser#parseUsage}'s buckets gives, group for group, on every spec example and on
 * random pages (unknown fields, nulls, numbers as strings, fields in any order), and that it
 * refuses the same pages with the same words.
 */
class AggregateWhileParsingTest {
  private static final List<List<Dimension>> GROUPINGS =
      List.of(
          List.of(),
          List.of(Dimension.MODEL, Dimension.BATCH, Dimension.SERVICE_TIER),
          List.of(Dimension.API_KEY_ID, Dimension.MODEL),
          List.of(Dimension.PROJECT_ID, Dimension.USER_ID, Dimension.SOURCE, Dimension.SIZE),
          List.of(Dimension.values()));

  private static final String[] USAGE_PAGES = {
    "usage-audio-speeches.example.json",
    "usage-audio-transcriptions.example.json",
    "usage-code-interpreter-sessions.example.json",
    "usage-completions.example.json",
    "usage-embeddings.example.json",
    "usage-file-search-calls.example.json",
    "usage-images.example.json",
    "usage-moderations.example.json",
    "usage-vector-stores.example.json",
    "usage-web-search-calls.example.json",
  };

  private static final String[] RESULT_OBJECTS = {
    "object-usage-audio-speeches-result.example.json",
    "object-usage-audio-transcriptions-result.example.json",
    "object-usage-code-interpreter-sessions-result.example.json",
    "object-usage-completions-result.example.json",
    "object-usage-embeddings-result.example.json",
    "object-usage-file-search-calls-result.example.json",
    "object-usage-images-result.example.json",
    "object-usage-moderations-result.example.json",
    "object-usage-vector-stores-result.example.json",
    "object-usage-web-search-calls-result.example.json",
  };

  @Test
  void everySpecExampleSumsAlikeBothWays() {
    List<byte[]> pages = new ArrayList<>();
    for (String name : USAGE_PAGES) {
      pages.add(SpecData.bytes(name));
    }
    for (String name : RESULT_OBJECTS) {
      pages.add(SpecData.pageAround(name));
    }
    for (byte[] page : pages) {
      for (List<Dimension> grouping : GROUPINGS) {
        assertSameSums(page, grouping);
      }
    }
  }

  @Test
  void randomPagesSumAlikeBothWays() {
    SplittableRandom random = new SplittableRandom(20261205);
    for (int i = 0; i < 400; i++) {
      byte[] page = randomPage(random, false);
      for (List<Dimension> grouping : GROUPINGS) {
        assertSameSums(page, grouping);
      }
    }
  }

  @Test
  void rowsWithoutObjectTakeTheEndpointAskedBothWays() throws PageFormatException {
    byte[] page =
        page(
            "{\"input_tokens\":10,\"input_cached_tokens\":4,\"output_tokens\":2,"
                + "\"num_model_requests\":1,\"model\":\"gpt-4o\"}",
            "{\"object\":\"organization.usage.embeddings.result\",\"input_tokens\":7,"
                + "\"num_model_requests\":1,\"model\":\"e\"}");
    for (UsageEndpoint endpoint : UsageEndpoint.values()) {
      UsageAggregator rows = UsageAggregator.by(Dimension.MODEL);
      rows.addAll(PageParser.usage(page, endpoint).buckets());
      UsageAggregator sums = UsageAggregator.by(Dimension.MODEL);
      Page<Object> p = PageParser.aggregateUsage(page, endpoint, sums);
      assertThat(sums.groups()).isEqualTo(rows.groups());
      assertThat(p.ignoredResults()).isEqualTo(PageParser.usage(page, endpoint).ignoredResults());
    }
  }

  @Test
  void refusedPagesAreRefusedAlikeBothWays() {
    SplittableRandom random = new SplittableRandom(7);
    int refused = 0;
    for (int i = 0; i < 400; i++) {
      byte[] page = randomPage(random, true);
      Throwable byRows = catchThrowable(() -> PageParser.parseUsage(page));
      if (byRows != null) {
        refused++;
      }
      // the summing path reads only the texts it groups by: it must refuse alike whatever those are
      for (List<Dimension> grouping : GROUPINGS) {
        Throwable bySums =
            catchThrowable(() -> PageParser.aggregateUsage(page, new UsageAggregator(grouping)));
        if (byRows == null) {
          assertThat(bySums).as("%s", grouping).isNull();
        } else {
          assertThat(bySums)
              .as("%s", grouping)
              .isInstanceOf(BadResponseException.class)
              .hasMessage(byRows.getMessage());
        }
      }
    }
    assertThat(refused).isGreaterThan(50);
  }

  @Test
  void aPageWithDataTwiceIsRefusedBothWaysRatherThanSummedDifferently() {
    String bucket =
        "{\"object\":\"bucket\",\"start_time\":1730419200,\"end_time\":1730419260,"
            + "\"results\":[{\"object\":\"organization.usage.completions.result\","
            + "\"input_tokens\":5}]}";
    byte[] page =
        ("{\"object\":\"page\",\"data\":["
                + bucket
                + "],\"data\":["
                + bucket
                + "],\"has_more\":false,\"next_page\":null}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Throwable byRows = catchThrowable(() -> PageParser.parseUsage(page));
    Throwable bySums = catchThrowable(() -> PageParser.aggregateUsage(page, UsageAggregator.by()));
    assertThat(byRows)
        .isInstanceOf(BadResponseException.class)
        .hasMessageContaining("\"data\" twice");
    assertThat(bySums).isInstanceOf(BadResponseException.class).hasMessage(byRows.getMessage());
  }

  @Test
  void aNegativeCountOrMoreCachedThanInputIsRefusedByName() {
    byte[] negative =
        page("{\"object\":\"organization.usage.completions.result\",\"input_tokens\":-1}");
    byte[] cached =
        page(
            "{\"object\":\"organization.usage.completions.result\",\"input_tokens\":1,"
                + "\"input_cached_tokens\":2}");
    for (byte[] page : List.of(negative, cached)) {
      Throwable e = catchThrowable(() -> PageParser.aggregateUsage(page, UsageAggregator.by()));
      assertThat(e)
          .isInstanceOf(BadResponseException.class)
          .hasMessage(catchThrowable(() -> PageParser.parseUsage(page)).getMessage());
    }
    assertThat(catchThrowable(() -> PageParser.aggregateUsage(cached, UsageAggregator.by())))
        .hasMessageContaining("cannot exceed input_tokens");
  }

  private static void assertSameSums(byte[] page, List<Dimension> grouping) {
    UsageAggregator rows =
        new UsageAggregator(grouping).addAll(PageParser.parseUsage(page).buckets());
    UsageAggregator sums = PageParser.aggregateUsage(page, new UsageAggregator(grouping));
    String json = new String(page, StandardCharsets.UTF_8);
    assertThat(sums.groups()).as(json).isEqualTo(rows.groups());
    assertThat(List.copyOf(sums.groups().keySet()))
        .as(json)
        .isEqualTo(List.copyOf(rows.groups().keySet()));
    assertThat(sums.totalsByEndpoint()).as(json).isEqualTo(rows.totalsByEndpoint());
    assertThat(sums.buckets()).as(json).isEqualTo(rows.buckets());
    assertThat(sums.rows()).as(json).isEqualTo(rows.rows());
  }

  private static byte[] page(String... results) {
    return ("{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1730419200,"
            + "\"end_time\":1730505600,\"results\":["
            + String.join(",", results)
            + "]}],\"has_more\":false,\"next_page\":null}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static final String[] OBJECTS = {
    "organization.usage.completions.result",
    "organization.usage.completions.result",
    "organization.usage.completions.result",
    "organization.usage.embeddings.result",
    "organization.usage.images.result",
    "organization.usage.web_search_calls.result",
    "organization.usage.code_interpreter_sessions.result",
    "organization.usage.something_new.result",
  };

  private static final String[] COUNTS = {
    "input_tokens",
    "input_cached_tokens",
    "input_cache_write_tokens",
    "output_tokens",
    "input_audio_tokens",
    "output_audio_tokens",
    "num_model_requests",
    "num_requests",
    "images",
    "sessions",
    "num_sessions",
    "seconds",
    "characters",
    "usage_bytes",
  };

  private static final String[] TEXTS = {
    "model", "project_id", "user_id", "api_key_id", "service_tier", "source", "size"
  };

  /**
   * Values of the text fields, as JSON: strings (one longer than the parser's string cache takes),
   * and a number and a boolean, which both paths take as their text.
   */
  private static final String[] VALUES = {
    "\"gpt-4o\"",
    "\"gpt-4o-mini\"",
    "\"default\"",
    "\"flex\"",
    "\"é ü\"",
    "\"a\\\"b\"",
    "\"" + "long-".repeat(25) + "\"",
    "5",
    "true"
  };

  /**
   * A page of 1–4 buckets of 0–8 rows of random types, fields in random order, some null, some
   * missing, some unknown. When {@code faulty}, a row may also carry a wrong value.
   */
  private static byte[] randomPage(SplittableRandom random, boolean faulty) {
    StringBuilder sb = new StringBuilder("{\"object\":\"page\",\"data\":[");
    int buckets = 1 + random.nextInt(4);
    for (int b = 0; b < buckets; b++) {
      if (b > 0) {
        sb.append(',');
      }
      sb.append("{\"start_time\":")
          .append(1730419200 + 60 * b)
          .append(",\"end_time\":")
          .append(1730419260 + 60 * b)
          .append(",\"results\":[");
      int rows = random.nextInt(9);
      for (int r = 0; r < rows; r++) {
        if (r > 0) {
          sb.append(',');
        }
        sb.append(randomRow(random, faulty));
      }
      sb.append("]}");
    }
    sb.append("],\"has_more\":false,\"next_page\":null}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String randomRow(SplittableRandom random, boolean faulty) {
    List<String> fields = new ArrayList<>();
    fields.add("\"object\":\"" + OBJECTS[random.nextInt(OBJECTS.length)] + "\"");
    long inputTokens = random.nextInt(5000);
    for (String name : COUNTS) {
      boolean input = name.equals("input_tokens"); // present, so that cached tokens fit
      if (!input && random.nextInt(4) == 0) {
        continue; // missing: 0
      }
      long n =
          input
              ? inputTokens
              : name.equals("input_cached_tokens")
                  ? random.nextLong(inputTokens + 1)
                  : random.nextInt(900);
      String value =
          switch (input ? 1 + random.nextInt(7) : random.nextInt(8)) {
            case 0 -> "null";
            case 1 -> "\"" + n + "\"";
            case 2 -> n + ".0";
            default -> Long.toString(n);
          };
      fields.add("\"" + name + "\":" + value);
    }
    for (String name : TEXTS) {
      int pick = random.nextInt(VALUES.length + 2);
      if (pick == VALUES.length + 1) {
        continue;
      }
      fields.add("\"" + name + "\":" + (pick == VALUES.length ? "null" : VALUES[pick]));
    }
    switch (random.nextInt(5)) {
      case 0 -> fields.add("\"batch\":true");
      case 1 -> fields.add("\"batch\":false");
      case 2 -> fields.add("\"batch\":null");
      case 3 -> fields.add("\"batch\":\"true\"");
      default -> {}
    }
    if (random.nextInt(3) == 0) {
      fields.add("\"unknown_" + random.nextInt(3) + "\":{\"nested\":[1,2,{\"x\":null}]}");
    }
    if (faulty && random.nextInt(3) == 0) {
      String[] wrong = {
        "\"input_tokens\":-3",
        "\"output_tokens\":\"many\"",
        "\"input_cached_tokens\":999999",
        "\"batch\":\"perhaps\"",
        "\"model\":[1]",
        "\"num_model_requests\":1.5",
        "\"input_tokens\":99999999999999999999999"
      };
      fields.add(wrong[random.nextInt(wrong.length)]);
    }
    // any order: the parser predicts each position from the row before
    for (int i = fields.size() - 1; i > 0; i--) {
      if (random.nextInt(3) == 0) {
        int j = random.nextInt(i + 1);
        String t = fields.get(i);
        fields.set(i, fields.get(j));
        fields.set(j, t);
      }
    }
    return "{" + String.join(",", fields) + "}";
  }

  @Test
  void theRandomPagesHoldRowsOfSeveralEndpoints() {
    SplittableRandom random = new SplittableRandom(20261205);
    UsageAggregator all = UsageAggregator.by();
    for (int i = 0; i < 50; i++) {
      PageParser.aggregateUsage(randomPage(random, false), all);
    }
    assertThat(all.totalsByEndpoint().keySet())
        .containsAll(
            Arrays.asList(
                UsageEndpoint.COMPLETIONS, UsageEndpoint.EMBEDDINGS, UsageEndpoint.IMAGES));
  }
}
