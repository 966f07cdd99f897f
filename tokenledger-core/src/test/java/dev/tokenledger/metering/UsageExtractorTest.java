package dev.tokenledger.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.openai.UsageEndpoint;
import org.junit.jupiter.api.Test;

class UsageExtractorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void chatCompletionsUsageWithEveryDetail() throws Exception {
    JsonNode body =
        json(
            "{\"model\":\"gpt-4o-audio-preview-2024-12-17\",\"usage\":{\"prompt_tokens\":1200,"
                + "\"completion_tokens\":300,\"total_tokens\":1500,\"prompt_tokens_details\":"
                + "{\"cached_tokens\":1024,\"audio_tokens\":40},\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":128,\"audio_tokens\":60,\"accepted_prediction_tokens\":0}}}");

    UsageExtractor.Found found = UsageExtractor.fromDocument(body);

    assertThat(found.model()).isEqualTo("gpt-4o-audio-preview-2024-12-17");
    assertThat(found.usage()).isEqualTo(new MeteredUsage(1200, 1024, 300, 128, 40, 60));
  }

  @Test
  void responsesApiUsage() throws Exception {
    JsonNode usage =
        json(
            "{\"input_tokens\":500,\"input_tokens_details\":{\"cached_tokens\":128},"
                + "\"output_tokens\":90,\"output_tokens_details\":{\"reasoning_tokens\":64},"
                + "\"total_tokens\":590}");

    assertThat(UsageExtractor.fromUsage(usage)).isEqualTo(new MeteredUsage(500, 128, 90, 64, 0, 0));
  }

  @Test
  void embeddingsAndLegacyCompletionsUsage() throws Exception {
    assertThat(UsageExtractor.fromUsage(json("{\"prompt_tokens\":8,\"total_tokens\":8}")))
        .isEqualTo(MeteredUsage.of(8, 0, 0));
    assertThat(
            UsageExtractor.fromUsage(
                json("{\"prompt_tokens\":5,\"completion_tokens\":16,\"total_tokens\":21}")))
        .isEqualTo(MeteredUsage.of(5, 0, 16));
  }

  @Test
  void imagesAndTranscriptionsUsage() throws Exception {
    JsonNode image =
        json(
            "{\"total_tokens\":4200,\"input_tokens\":50,\"output_tokens\":4150,"
                + "\"input_tokens_details\":{\"text_tokens\":50,\"image_tokens\":0}}");
    JsonNode transcription =
        json(
            "{\"type\":\"tokens\",\"input_tokens\":14,\"input_token_details\":{\"text_tokens\":0,"
                + "\"audio_tokens\":14},\"output_tokens\":45,\"total_tokens\":59}");

    assertThat(UsageExtractor.fromUsage(image)).isEqualTo(MeteredUsage.of(50, 0, 4150));
    assertThat(UsageExtractor.fromUsage(transcription))
        .isEqualTo(new MeteredUsage(14, 0, 45, 0, 14, 0));
  }

  @Test
  void noUsageIsNullNeverZero() throws Exception {
    assertThat(UsageExtractor.fromUsage(null)).isNull();
    assertThat(UsageExtractor.fromUsage(json("null"))).isNull();
    assertThat(UsageExtractor.fromUsage(json("{\"type\":\"duration\",\"seconds\":12}"))).isNull();
    assertThat(UsageExtractor.fromDocument(json("{\"object\":\"list\",\"data\":[]}")).usage())
        .isNull();
    assertThat(UsageExtractor.fromDocument(json("[1,2]")).usage()).isNull();
  }

  @Test
  void streamedChatChunksCarryUsageOnlyInTheLastChunk() throws Exception {
    JsonNode chunk =
        json(
            "{\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}");
    JsonNode last =
        json(
            "{\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}");

    assertThat(UsageExtractor.fromDocument(chunk).usage()).isNull();
    assertThat(UsageExtractor.fromDocument(last).usage()).isEqualTo(MeteredUsage.of(9, 0, 2));
  }

  @Test
  void responsesStreamEventsCarryUsageInTheirFinalEvents() throws Exception {
    String response =
        "{\"model\":\"o4-mini-2025-04-16\",\"usage\":{\"input_tokens\":10,\"output_tokens\":70,"
            + "\"output_tokens_details\":{\"reasoning_tokens\":64}}}";
    for (String type :
        new String[] {"response.completed", "response.incomplete", "response.failed"}) {
      UsageExtractor.Found f =
          UsageExtractor.fromDocument(
              json("{\"type\":\"" + type + "\",\"response\":" + response + "}"));
      assertThat(f.usage()).as(type).isEqualTo(new MeteredUsage(10, 0, 70, 64, 0, 0));
      assertThat(f.model()).isEqualTo("o4-mini-2025-04-16");
    }
    UsageExtractor.Found created =
        UsageExtractor.fromDocument(
            json(
                "{\"type\":\"response.created\",\"response\":{\"model\":\"o4-mini\",\"usage\":null}}"));
    assertThat(created.usage()).isNull();
    assertThat(created.model()).isEqualTo("o4-mini");
  }

  @Test
  void eachModelPathMapsToTheUsageEndpointThatFilesIt() {
    assertThat(UsageExtractor.endpointFor("/chat/completions"))
        .isEqualTo(UsageEndpoint.COMPLETIONS);
    assertThat(UsageExtractor.endpointFor("/responses")).isEqualTo(UsageEndpoint.COMPLETIONS);
    assertThat(UsageExtractor.endpointFor("/completions")).isEqualTo(UsageEndpoint.COMPLETIONS);
    assertThat(UsageExtractor.endpointFor("/embeddings")).isEqualTo(UsageEndpoint.EMBEDDINGS);
    assertThat(UsageExtractor.endpointFor("/moderations")).isEqualTo(UsageEndpoint.MODERATIONS);
    assertThat(UsageExtractor.endpointFor("/images/generations")).isEqualTo(UsageEndpoint.IMAGES);
    assertThat(UsageExtractor.endpointFor("/images/edits")).isEqualTo(UsageEndpoint.IMAGES);
    assertThat(UsageExtractor.endpointFor("/audio/speech")).isEqualTo(UsageEndpoint.AUDIO_SPEECHES);
    assertThat(UsageExtractor.endpointFor("/audio/transcriptions"))
        .isEqualTo(UsageEndpoint.AUDIO_TRANSCRIPTIONS);
    assertThat(UsageExtractor.endpointFor("/models")).isNull();
    assertThat(UsageExtractor.endpointFor("/files")).isNull();
    assertThat(UsageExtractor.endpointFor("/responses/resp_1")).isNull();
    assertThat(UsageExtractor.endpointFor("/batches")).isNull();
  }
}
