package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SchemaSmokeTest {
  @Test
  void specExamplesValidateAndBrokenOnesDoNot() throws Exception {
    String ok =
        Files.readString(Path.of("src/test/resources/openai-spec/usage-completions.example.json"));
    assertThat(SpecSchemas.validate(SpecSchemas.USAGE_COSTS, "UsageResponse", ok)).isEmpty();
    String bad = ok.replace("\"input_tokens\": 1000", "\"input_tokens\": \"x\"");
    assertThat(SpecSchemas.validate(SpecSchemas.USAGE_COSTS, "UsageResponse", bad)).isNotEmpty();
  }
}
