package dev.tokenledger.cli.prices;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.JsonSchemas;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.UsageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PricesCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  CliHarness.Result run(String... args) {
    return new CliHarness(dir).run(args);
  }

  Path overrides() throws IOException {
    return Files.writeString(
        dir.resolve("prices.json"),
        """
        {"gpt-4o-mini": {"input_cost_per_token": 2e-07, "output_cost_per_token": 8e-07}}
        """);
  }

  @Test
  void showNamesTheEntryTheRuleEveryTierAndTheTableVersion() {
    CliHarness.Result r = run("prices", "show", "gpt-4o-mini-2030-01-01");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("gpt-4o-mini-2030-01-01\n")
        .contains("  Priced as: gpt-4o-mini (the name without its date suffix)")
        .contains("    TIER      INPUT  CACHED INPUT  OUTPUT")
        .containsPattern("    standard +0\\.15 +0\\.075 +0\\.6\n")
        .containsPattern("    batch +0\\.075 +- +0\\.3\n")
        .contains("    flex")
        .contains("    priority")
        .contains("Price table: " + PriceFiles.defaultTable().version());
  }

  @Test
  void anUnknownModelIsUnpricedInEveryFormatAndTheCommandFails() throws IOException {
    CliHarness.Result table = run("prices", "show", "gpt-17-ultra");
    CliHarness.Result json = run("prices", "show", "gpt-17-ultra", "--format", "json");
    CliHarness.Result csv = run("prices", "show", "gpt-17-ultra", "--format", "csv");

    assertThat(table.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(table.out()).contains("gpt-17-ultra\n  UNPRICED: no entry with per-token prices");
    assertThat(table.err())
        .contains("tokenledger: warning: gpt-17-ultra is not in the price table")
        .contains("--prices");
    JsonNode model = JSON.readTree(json.out()).get("models").get(0);
    assertThat(model.get("status").asText()).isEqualTo("unpriced");
    assertThat(model.get("per_million_tokens").isNull()).isTrue();
    assertThat(csv.out().lines().skip(1))
        .singleElement()
        .asString()
        .startsWith("gpt-17-ultra,unpriced,");
  }

  @Test
  void anOverrideFileChangesThatModelsPricesAndTheVersion() throws IOException {
    Path file = overrides();

    CliHarness.Result r =
        run("prices", "show", "gpt-4o-mini", "gpt-4o", "--prices", file.toString());

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .containsPattern("gpt-4o-mini\n(.*\n)*? +standard +0\\.2 +0\\.075 +0\\.8\n")
        .containsPattern("gpt-4o\n(.*\n)*? +standard +2\\.5 +1\\.25 +10\n")
        .contains(PriceFiles.defaultTable().version() + "+overrides-sha256:");
  }

  @Test
  void thePricesVariableNamesTheFileWhenNoOptionDoes() throws IOException {
    overrides();

    CliHarness.Result r =
        new CliHarness(dir)
            .env("TOKENLEDGER_PRICES", "prices.json")
            .run("prices", "show", "gpt-4o-mini", "--format", "csv");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("gpt-4o-mini,priced,gpt-4o-mini,exact,standard,0.2,0.075,0.8,");
  }

  @Test
  void aMissingPriceFileIsAConfigurationError() {
    CliHarness.Result r = run("prices", "show", "gpt-4o", "--prices", "nope.json");

    assertThat(r.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(r.err()).contains("price file").contains("does not exist");
  }

  @Test
  void showJsonFollowsItsSchemaAndCarriesEveryPerTokenPrice() throws IOException {
    CliHarness.Result r =
        run(
            "prices",
            "show",
            "gpt-4o-mini-2030-01-01",
            "ft:gpt-4o-mini:org::x",
            "nope",
            "--format",
            "json");

    assertThat(JsonSchemas.validate("prices-show.schema.json", r.out())).as(r.out()).isEmpty();
    JsonNode models = JSON.readTree(r.out()).get("models");
    assertThat(models.get(0).get("rule").asText()).isEqualTo("without_date_suffix");
    assertThat(
            models
                .get(0)
                .get("per_million_tokens")
                .get("standard")
                .get("cached_input")
                .decimalValue())
        .isEqualByComparingTo("0.075");
    assertThat(models.get(0).get("per_token").get("input_cost_per_token").decimalValue())
        .isEqualByComparingTo("1.5e-07");
    assertThat(models.get(1).get("rule").asText()).isIn("fine_tuned", "fine_tuned_as_base_model");
    assertThat(models.get(2).get("status").asText()).isEqualTo("unpriced");
  }

  @Test
  void checkFlagsAPriorityPriceFiftyTimesStandard() {
    CliHarness.Result r = run("prices", "check", "gpt-5-nano", "gpt-4o-mini");

    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(r.out())
        .contains("Checked 2 models against the price table " + PriceFiles.defaultTable().version())
        .contains("  tier out of range  gpt-5-nano: input_cost_per_token_priority")
        .contains("1 problem found.");
  }

  @Test
  void checkOfSoundPricesFindsNothingAndSucceeds() {
    CliHarness.Result r = run("prices", "check", "gpt-4o-mini", "gpt-4o", "o3");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("  No problems found.");
  }

  @Test
  void checkFlagsZeroAndCacheAboveInputFromAnOverrideAndUnknownModels() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("bad.json"),
            """
            {"gpt-4o-mini": {"output_cost_per_token": 0},
             "gpt-4o": {"cache_read_input_token_cost": 3e-06}}
            """);

    CliHarness.Result r =
        run(
            "prices",
            "check",
            "gpt-4o-mini",
            "gpt-4o",
            "gpt-17-ultra",
            "--prices",
            file.toString(),
            "--format",
            "csv");

    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(r.out().lines())
        .first()
        .isEqualTo(
            "source,model,model_key,field,kind,message,usage_rows,usage_tokens,reconciled_runs,"
                + "reconciled_tokens,unattributed_rows,unattributed_tokens,local_requests,"
                + "local_tokens,hinted_runs");
    assertThat(r.out())
        .contains("price_table,gpt-4o-mini,gpt-4o-mini,output_cost_per_token,zero_price,")
        .contains("price_table,gpt-4o,gpt-4o,cache_read_input_token_cost,cache_read_above_input,")
        .contains("price_table,gpt-17-ultra,,,unpriced,");
  }

  @Test
  void checkWithoutModelsChecksTheWholeTableAndItsJsonFollowsTheSchema() throws IOException {
    CliHarness.Result r = run("prices", "check", "--format", "json");

    assertThat(JsonSchemas.validate("prices-check.schema.json", r.out())).as(r.out()).isEmpty();
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.get("models_checked").size())
        .isEqualTo(PriceFiles.defaultTable().modelKeys().size());
    assertThat(root.get("findings").findValuesAsText("model")).contains("gpt-5-nano");
  }

  Path ledgerFile() {
    return dir.resolve(".tokenledger").resolve("ledger.db");
  }

  /** A ledger that has read usage of an unknown model and of a priced dated one. */
  void ledgerWithAnUnknownModel() {
    Instant t0 = Instant.parse("2025-10-27T10:00:00Z");
    try (Ledger ledger = Ledger.open(LedgerLocation.sqlite(ledgerFile()))) {
      UsageStore store = ledger.usageStore();
      store.storeRead(
          new UsageStore.ReadRecord(
              "completions",
              "1m",
              t0,
              t0.plusSeconds(600),
              "api_key_id,model",
              List.of("key_chatdev"),
              "start_time=" + t0.getEpochSecond(),
              t0.plusSeconds(900),
              1,
              null,
              "pass-1"),
          List.of(
              new UsageRow(
                  t0,
                  "key_chatdev",
                  "gpt-17-ultra",
                  "default",
                  false,
                  "proj_1",
                  new TokenCounts(1_200_000, 0, 34_567, 40)),
              new UsageRow(
                  t0.plusSeconds(60),
                  "key_chatdev",
                  "gpt-4o-mini-2024-07-18",
                  "default",
                  false,
                  "proj_1",
                  new TokenCounts(5_000, 0, 500, 2))));
    }
  }

  @Test
  void checkListsTheLedgersModelsWithoutAPriceAndWhatItHoldsOfThem() {
    ledgerWithAnUnknownModel();

    CliHarness.Result r = run("prices", "check");

    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(r.out())
        .contains(
            "The ledger "
                + ledgerFile()
                + " has seen 2 models; 1 is not priced as used:\n"
                + "  gpt-17-ultra  unpriced: usage 1 row (1,234,567 tokens)\n"
                + "    gpt-17-ultra is not in the price table")
        .contains("Fix: put their per-token prices")
        .contains("--prices FILE");
    String ledgerPart = r.out().substring(r.out().indexOf("The ledger "));
    assertThat(ledgerPart).doesNotContain("gpt-4o-mini-2024-07-18");
  }

  @Test
  void checkOfTheLedgerInJsonAndCsvNamesTheModelAndItsUsage() throws IOException {
    ledgerWithAnUnknownModel();

    CliHarness.Result json = run("prices", "check", "--format", "json");
    CliHarness.Result csv = run("prices", "check", "--format", "csv");

    assertThat(JsonSchemas.validate("prices-check.schema.json", json.out())).isEmpty();
    JsonNode ledger = JSON.readTree(json.out()).get("ledger");
    assertThat(ledger.get("location").asText()).isEqualTo(ledgerFile().toString());
    assertThat(ledger.get("models_seen").asInt()).isEqualTo(2);
    JsonNode finding = ledger.get("findings").get(0);
    assertThat(ledger.get("findings")).hasSize(1);
    assertThat(finding.get("model").asText()).isEqualTo("gpt-17-ultra");
    assertThat(finding.get("kind").asText()).isEqualTo("unpriced");
    assertThat(finding.get("seen").get("usage_rows").asLong()).isEqualTo(1);
    assertThat(finding.get("seen").get("usage_tokens").asLong()).isEqualTo(1_234_567);
    assertThat(csv.out().lines().filter(l -> l.startsWith("ledger,")))
        .singleElement()
        .asString()
        .startsWith("ledger,gpt-17-ultra,,,unpriced,")
        .endsWith(",1,1234567,0,0,0,0,0,0,0");
  }

  @Test
  void checkWithoutALedgerChecksTheTableNotesItAndCreatesNoLedger() throws IOException {
    CliHarness.Result r = run("prices", "check", "--format", "json");

    assertThat(JsonSchemas.validate("prices-check.schema.json", r.out())).isEmpty();
    assertThat(JSON.readTree(r.out()).get("ledger").isNull()).isTrue();
    assertThat(r.err().lines())
        .singleElement()
        .asString()
        .startsWith("tokenledger: note: no ledger at " + ledgerFile())
        .contains("only the price table was checked");
    assertThat(ledgerFile()).doesNotExist();
    assertThat(dir.resolve(".tokenledger")).doesNotExist();
  }

  @Test
  void aLedgerThatCannotBeReadLeavesTheTableCheckedWithOneWarning() throws IOException {
    Path notALedger = dir.resolve("notes.txt");
    Files.writeString(notALedger, "this is no SQLite database\n".repeat(200));

    CliHarness.Result r = run("prices", "check", "--db", notALedger.toString());

    assertThat(r.exitCode()).as("the packaged table's own finding").isEqualTo(1);
    assertThat(r.out()).contains("gpt-5-nano").contains("1 problem found.");
    assertThat(r.err().lines())
        .singleElement()
        .asString()
        .startsWith("tokenledger: warning: only the price table was checked: ");
  }

  @Test
  void checkOfNamedModelsLeavesTheLedgerAlone() throws IOException {
    ledgerWithAnUnknownModel();

    CliHarness.Result r = run("prices", "check", "gpt-4o", "--format", "json");

    assertThat(r.exitCode()).isZero();
    assertThat(JSON.readTree(r.out()).get("ledger").isNull()).isTrue();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void pricesWithoutASubcommandIsAUsageError() {
    CliHarness.Result r = run("prices");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("a subcommand is required: show, check or versions");
  }

  @Test
  void theGuidesPerMillionFileIsReadConvertedAndAnUndatedOverrideReachesTheSnapshot()
      throws IOException {
    Path seed =
        Files.writeString(
            dir.resolve("seed-prices.json"),
            """
            {"gpt-4o-mini": {"input_price": 0.15, "cached_price": 0.075, "output_price": 0.60},
             "gpt-5-mini": {"input_price": 0.30, "cached_price": 0.03, "output_price": 2.40}}
            """);

    CliHarness.Result r =
        run("prices", "show", "gpt-5-mini-2025-08-07", "--prices", seed.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("  Priced as: gpt-5-mini-2025-08-07 (exact name)")
        .contains("  Override:  the override file's gpt-5-mini prices")
        .containsPattern("    standard +0\\.3 +0\\.03 +2\\.4\n")
        .contains("+overrides-per-1m-sha256:")
        .contains("USD per 1M tokens, converted to USD per token");
  }

  @Test
  void aFileWithFieldsTokenledgerDoesNotReadIsRefusedWithExit3NamingTheFields() throws IOException {
    Path wrong =
        Files.writeString(
            dir.resolve("prices.json"), "{\"gpt-4o-mini\": {\"input_per_1m\": 0.15}}");
    // the field has neither "price" nor "cost" in its name: an entry without a price field
    Path priced =
        Files.writeString(dir.resolve("priced.json"), "{\"gpt-4o-mini\": {\"input_cost\": 0.15}}");

    CliHarness.Result noPrice = run("prices", "check", "--prices", wrong.toString());
    CliHarness.Result unknown = run("prices", "show", "gpt-4o-mini", "--prices", priced.toString());

    assertThat(noPrice.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(noPrice.err()).contains("gpt-4o-mini (an entry without a single price field)");
    assertThat(unknown.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(unknown.err())
        .contains("gpt-4o-mini.input_cost is not a price field tokenledger reads")
        .contains("input_price, cached_price and output_price (USD per 1M tokens");
  }

  @Test
  void perMillionNumbersInPerTokenFieldsFailPricesCheckAndAreWarnedAboutWhereUsed()
      throws IOException {
    Path wrong =
        Files.writeString(
            dir.resolve("prices.json"),
            "{\"gpt-4o-mini\": {\"input_cost_per_token\": 0.15, \"output_cost_per_token\": 0.6}}");

    CliHarness.Result check = run("prices", "check", "--prices", wrong.toString());
    CliHarness.Result show = run("prices", "show", "gpt-4o-mini", "--prices", wrong.toString());

    assertThat(check.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(check.out())
        .contains("implausible price")
        .contains("gpt-4o-mini: input_cost_per_token ($150000 per 1M tokens) is above $1,000");
    assertThat(check.err()).doesNotContain("warning: the price table");
    assertThat(show.err())
        .contains("tokenledger: warning: the price table")
        .contains("gpt-4o-mini.input_cost_per_token is $0.15 per token ($150000 per 1M tokens)")
        .contains("run tokenledger prices check");
  }
}
