package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A parsed usage bucket keeps each result row exactly as the page spelled it. */
class RawResultsTest {
  private static final String PAGE =
      "{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":60,\"end_time\":120,"
          + "\"results\":[{\"object\":\"organization.usage.completions.result\","
          + "\"input_tokens\":12, \"output_tokens\" : 3,\"num_model_requests\":1,"
          + "\"model\":\"gpt-4o-mini\",\"extra\":{\"nested\":[1,2]},\"note\":\"caf\u00e9 }\"},"
          + "{\"object\":\"organization.usage.completions.result\",\"input_tokens\":5,"
          + "\"output_tokens\":1,\"num_model_requests\":1}]},"
          + "{\"object\":\"bucket\",\"start_time\":120,\"end_time\":180,\"results\":[]}],"
          + "\"has_more\":false,\"next_page\":null}";

  @Test
  void everyResultRowIsKeptAsReturnedUnknownFieldsSpacingAndAllAndIsNotPartOfTheValue()
      throws Exception {
    Page<UsageBucket> page = PageParser.parseUsage(PAGE.getBytes(StandardCharsets.UTF_8));
    JsonNode data = new ObjectMapper().readTree(PAGE).get("data");

    UsageBucket first = page.buckets().get(0);
    assertThat(first.results()).hasSize(2);
    assertThat(first.rawResult(0))
        .isEqualTo(
            "{\"object\":\"organization.usage.completions.result\","
                + "\"input_tokens\":12, \"output_tokens\" : 3,\"num_model_requests\":1,"
                + "\"model\":\"gpt-4o-mini\",\"extra\":{\"nested\":[1,2]},\"note\":\"caf\u00e9 }\"}");
    for (int i = 0; i < 2; i++) {
      assertThat(new ObjectMapper().readTree(first.rawResult(i)))
          .isEqualTo(data.get(0).get("results").get(i));
    }
    assertThat(first.rawResult(2)).isNull();
    assertThat(page.buckets().get(1).rawResult(0)).isNull();
    assertThat(first)
        .isEqualTo(
            new UsageBucket(
                Instant.ofEpochSecond(60), Instant.ofEpochSecond(120), first.results()));
    assertThat(new UsageBucket(Instant.EPOCH, Instant.EPOCH, List.of()).rawResult(0)).isNull();
  }
}
