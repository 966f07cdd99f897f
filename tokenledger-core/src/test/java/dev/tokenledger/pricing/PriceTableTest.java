package dev.tokenledger.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.config.PriceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
  private static final String COMMIT = "4c1b15d6854c9ccad7e4348ed6f45edc45f8039d";
  private static final String SHA256 =
      "40ed7046364779934a7a27f6d1271ee33e61a174c0e336a3423abd5282b6e65c";

  @TempDir Path dir;

  private final PriceTable table = PriceFiles.defaultTable();

  @Test
  void packagedTableVersionIsItsSourceCommitAndTheSha256OfItsBytes() throws IOException {
    byte[] bytes;
    try (InputStream in = PriceTable.class.getResourceAsStream("litellm-model-prices.json")) {
      bytes = in.readAllBytes();
    }
    assertThat(PriceTable.sha256(bytes)).isEqualTo(SHA256);
    assertThat(table.version()).isEqualTo("litellm@" + COMMIT + "+sha256:" + SHA256);
    assertThat(PriceFiles.defaultTable()).isSameAs(table);
  }

  @Test
  void pricesAreTheExactDecimalsWrittenInTheFile() {
    ModelPrice mini = table.get("gpt-4o-mini").orElseThrow();
    assertThat(mini.input()).isEqualTo(new BigDecimal("1.5e-07"));
    assertThat(mini.cacheRead()).contains(new BigDecimal("7.5e-08"));
    assertThat(mini.output()).isEqualTo(new BigDecimal("6e-07"));
    assertThat(mini.price(PriceField.BATCH_INPUT)).contains(new BigDecimal("7.5e-08"));
    assertThat(mini.price(PriceField.BATCH_OUTPUT)).contains(new BigDecimal("3e-07"));
    assertThat(mini.price(PriceField.PRIORITY_INPUT)).contains(new BigDecimal("2.5e-07"));
    assertThat(mini.price(PriceField.FLEX_INPUT)).isEmpty();
    assertThat(mini.key()).isEqualTo("gpt-4o-mini");
    assertThat(mini.mode()).contains("chat");

    ModelPrice o3 = table.get("o3").orElseThrow();
    assertThat(o3.price(PriceField.FLEX_INPUT)).contains(new BigDecimal("1e-06"));
    assertThat(o3.price(PriceField.FLEX_OUTPUT)).contains(new BigDecimal("4e-06"));
    assertThat(o3.price(PriceField.FLEX_CACHE_READ)).contains(new BigDecimal("2.5e-07"));
    assertThat(o3.price(PriceField.PRIORITY_OUTPUT)).contains(new BigDecimal("1.4e-05"));
    assertThat(o3.price(PriceField.PRIORITY_CACHE_READ)).contains(new BigDecimal("8.75e-07"));
  }

  @Test
  void onlyOpenAiEntriesArePriced() {
    assertThat(table.lookup("azure/gpt-4o")).isEmpty();
    assertThat(table.lookup("claude-3-5-haiku-20241022")).isEmpty();
    assertThat(table.get("gpt-3.5-turbo-instruct")).isPresent(); // text-completion-openai
    assertThat(table.modelKeys()).contains("gpt-4o", "o3", "text-embedding-3-small");
    assertThat(table.modelKeys()).allSatisfy(k -> assertThat(k).doesNotStartWith("azure/"));
  }

  @Test
  void entriesWithoutPerTokenPricesAreListedButNotPriced() {
    assertThat(table.lists("dall-e-3")).isTrue();
    assertThat(table.lookup("dall-e-3")).isEmpty();
  }

  @Test
  void exactNameWinsOverItsBaseName() {
    PriceMatch dated = table.lookup("gpt-4o-mini-2024-07-18").orElseThrow();
    assertThat(dated.rule()).isEqualTo(LookupRule.EXACT);
    assertThat(dated.modelKey()).isEqualTo("gpt-4o-mini-2024-07-18");
  }

  @Test
  void datedSnapshotUnknownToTheTableIsPricedByItsBaseName() {
    PriceMatch m = table.lookup("gpt-4o-mini-2099-01-31").orElseThrow();
    assertThat(m.rule()).isEqualTo(LookupRule.WITHOUT_DATE_SUFFIX);
    assertThat(m.modelKey()).isEqualTo("gpt-4o-mini");
    assertThat(m.model()).isEqualTo("gpt-4o-mini-2099-01-31");
  }

  @Test
  void monthDaySuffixIsStrippedOnlyWhenItIsADate() {
    PriceMatch m = table.lookup("gpt-4o-mini-0125").orElseThrow();
    assertThat(m.rule()).isEqualTo(LookupRule.WITHOUT_DATE_SUFFIX);
    assertThat(m.modelKey()).isEqualTo("gpt-4o-mini");
    assertThat(table.lookup("gpt-4o-mini-1325")).isEmpty();
    assertThat(table.lookup("gpt-4o-mini-0100")).isEmpty();
  }

  @Test
  void fineTunedModelIsPricedByTheTablesFineTuningEntry() {
    PriceMatch m = table.lookup("ft:gpt-4o-mini-2024-07-18:acme::abc123").orElseThrow();
    assertThat(m.rule()).isEqualTo(LookupRule.FINE_TUNED);
    assertThat(m.modelKey()).isEqualTo("ft:gpt-4o-mini-2024-07-18");
    assertThat(m.model()).isEqualTo("ft:gpt-4o-mini-2024-07-18:acme::abc123");
  }

  @Test
  void fineTunedModelWithoutFineTuningEntryFallsBackToItsBaseThenItsUndatedBase()
      throws IOException {
    PriceTable plain =
        PriceFiles.load(
            write(
                "plain.json",
                """
                {"sample_spec": {},
                 "gpt-4o-mini": {"input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07},
                 "gpt-4o-mini-2024-07-18":
                   {"input_cost_per_token": 1.6e-07, "output_cost_per_token": 6e-07}}
                """));
    PriceMatch dated = plain.lookup("ft:gpt-4o-mini-2024-07-18:org::id").orElseThrow();
    assertThat(dated.rule()).isEqualTo(LookupRule.FINE_TUNED_AS_BASE_MODEL);
    assertThat(dated.modelKey()).isEqualTo("gpt-4o-mini-2024-07-18");
    PriceMatch undated = plain.lookup("ft:gpt-4o-mini-2025-01-01:org::id").orElseThrow();
    assertThat(undated.rule()).isEqualTo(LookupRule.FINE_TUNED_AS_BASE_MODEL);
    assertThat(undated.modelKey()).isEqualTo("gpt-4o-mini");
    assertThat(plain.lookup("ft:")).isEmpty();
    assertThat(plain.lookup("ft:nothing-known:org::id")).isEmpty();
  }

  @Test
  void unknownModelHasNoPrice() {
    assertThat(table.lookup("gpt-17-ultra")).isEmpty();
  }

  @Test
  void aFullLiteLlmFileReplacesTheDefaultAndGetsItsOwnVersion() throws IOException {
    Path file =
        write(
            "litellm.json",
            """
            {"sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of ..."},
             "gpt-4o-mini": {"input_cost_per_token": 2e-07, "output_cost_per_token": 8e-07,
                             "litellm_provider": "openai"}}
            """);
    PriceTable user = PriceFiles.load(file);
    assertThat(user.get("gpt-4o-mini").orElseThrow().input()).isEqualTo(new BigDecimal("2e-07"));
    assertThat(user.lookup("gpt-4o")).isEmpty();
    assertThat(user.version())
        .isEqualTo("litellm-file+sha256:" + PriceTable.sha256(Files.readAllBytes(file)));
  }

  @Test
  void aCopyOfThePackagedFileHasThePackagedVersion() throws IOException {
    Path copy = dir.resolve("copy.json");
    try (InputStream in = PriceTable.class.getResourceAsStream("litellm-model-prices.json")) {
      Files.copy(in, copy);
    }
    assertThat(PriceFiles.load(copy).version()).isEqualTo(table.version());
  }

  @Test
  void overrideFileChangesTheModelsItNamesTheirSnapshotsAndNothingElse() throws IOException {
    Path file =
        write(
            "override.json",
            """
            {"gpt-4o-mini": {"input_cost_per_token": 1e-07}}
            """);
    PriceTable overridden = PriceFiles.load(file);

    ModelPrice mini = overridden.get("gpt-4o-mini").orElseThrow();
    ModelPrice original = table.get("gpt-4o-mini").orElseThrow();
    assertThat(mini.input()).isEqualTo(new BigDecimal("1e-07"));
    assertThat(mini.output()).isEqualTo(original.output());
    assertThat(mini.cacheRead()).isEqualTo(original.cacheRead());
    assertThat(overridden.modelKeys()).isEqualTo(table.modelKeys());
    assertThat(overridden.get("gpt-4o-mini-2024-07-18").orElseThrow().input())
        .isEqualTo(new BigDecimal("1e-07"));
    for (String key : table.modelKeys()) {
      if (!key.equals("gpt-4o-mini") && !key.startsWith("gpt-4o-mini-20")) {
        assertThat(overridden.get(key)).as(key).isEqualTo(table.get(key));
      }
    }
  }

  @Test
  void overrideNullRemovesAPriceAndNewModelsAreAdded() throws IOException {
    PriceTable overridden =
        PriceFiles.withOverrides(
            table,
            write(
                "override.json",
                """
                {"gpt-5-nano": {"input_cost_per_token_priority": null},
                 "my-local-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
                 "azure/ignored": {"input_cost_per_token": "nonsense", "litellm_provider": "azure"}}
                """));
    assertThat(overridden.get("gpt-5-nano").orElseThrow().price(PriceField.PRIORITY_INPUT))
        .isEmpty();
    assertThat(overridden.lookup("my-local-model")).isPresent();
    assertThat(overridden.lookup("azure/ignored")).isEmpty();
  }

  @Test
  void versionChangesWithTheOverrideFile() throws IOException {
    Path a = write("a.json", "{\"gpt-4o\": {\"input_cost_per_token\": 2e-06}}");
    Path b = write("b.json", "{\"gpt-4o\": {\"input_cost_per_token\": 3e-06}}");
    String va = PriceFiles.withOverrides(table, a).version();
    String vb = PriceFiles.withOverrides(table, b).version();
    assertThat(va)
        .startsWith(table.version() + "+overrides-sha256:")
        .endsWith(PriceTable.sha256(Files.readAllBytes(a)));
    assertThat(vb).isNotEqualTo(va);
    assertThat(PriceFiles.withOverrides(table, a).version()).isEqualTo(va);
  }

  @Test
  void missingFileIsAOneLineErrorNamingIt() {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> PriceFiles.load(missing))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist")
        .hasMessageContaining("TOKENLEDGER_PRICES")
        .hasMessageNotContaining("\n");
  }

  @Test
  void malformedJsonNamesTheFileAndWhere() throws IOException {
    Path bad = write("bad.json", "{\"gpt-4o\": {\"input_cost_per_token\": 1e-06,,}}");
    assertThatThrownBy(() -> PriceFiles.load(bad))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("not valid JSON at line 1")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aPriceThatIsNotANumberNamesTheFileTheModelAndTheField() throws IOException {
    Path bad = write("bad.json", "{\"gpt-4o\": {\"input_cost_per_token\": \"cheap\"}}");
    assertThatThrownBy(() -> PriceFiles.load(bad))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "price file "
                + bad
                + ": gpt-4o.input_cost_per_token must be a number (USD per token) or null, was"
                + " the string \"cheap\"");
  }

  @Test
  void aNegativePriceIsRejected() throws IOException {
    Path bad = write("bad.json", "{\"gpt-4o\": {\"output_cost_per_token\": -1e-06}}");
    assertThatThrownBy(() -> PriceFiles.load(bad))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("gpt-4o.output_cost_per_token cannot be negative");
  }

  @Test
  void aFileThatIsNotAnObjectOfEntriesIsRejected() throws IOException {
    Path array = write("array.json", "[1, 2]");
    assertThatThrownBy(() -> PriceFiles.load(array))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("must hold a JSON object");
    Path scalar = write("scalar.json", "{\"gpt-4o\": 3}");
    assertThatThrownBy(() -> PriceFiles.load(scalar))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("entry \"gpt-4o\" must be a JSON object");
    Path empty = write("empty.json", "");
    assertThatThrownBy(() -> PriceFiles.load(empty))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(empty.toString());
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
