package dev.tokenledger.cli.report;

import static dev.tokenledger.cli.report.ReportLab.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.cli.CliHarness;
import dev.tokenledger.cli.JsonSchemas;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.config.PriceFiles;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every report records its price table in the ledger; {@code report --price-version} prices a later
 * report with an earlier table, and {@code prices versions} lists them.
 */
class ReportPriceVersionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static JsonNode json(CliHarness.Result result) throws Exception {
    assertThat(result.exitCode()).as(result.err()).isZero();
    return JSON.readTree(result.out());
  }

  @Test
  void anOldReportIsRepricedExactlyByNamingItsPriceVersion() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      lab.chat("chatdev", T0.plusSeconds(20));
      lab.chat("chatdev", T0.plusSeconds(40));
      lab.run("chatdev", T0.plusSeconds(5), T0.plusSeconds(115));
      lab.chat("baes", T0.plusSeconds(200));
      lab.run("baes", T0.plusSeconds(185), T0.plusSeconds(295));
      lab.settle();
      String db = lab.db.toString();
      CliHarness cli = new CliHarness(dir).clock(lab.clock);
      Path override = dir.resolve("tenfold.json");
      Files.writeString(
          override,
          // the simulator serves the dated name, which the table lists as an entry of its own
          "{\"gpt-4o-mini-2024-07-18\": {\"input_cost_per_token\": 1.5e-6,"
              + " \"cache_read_input_token_cost\": 7.5e-7, \"output_cost_per_token\": 6e-6}}");

      JsonNode packaged = json(cli.run("report", "--db", db, "--format", "json"));
      JsonNode tenfold =
          json(cli.run("report", "--db", db, "--prices", override.toString(), "--format", "json"));
      Files.delete(override);

      BigDecimal packagedCost = packaged.path("total").path("cost_usd").decimalValue();
      BigDecimal tenfoldCost = tenfold.path("total").path("cost_usd").decimalValue();
      assertThat(tenfoldCost).isEqualByComparingTo(packagedCost.multiply(BigDecimal.TEN));
      String tenfoldVersion = tenfold.path("price_table_version").asText();
      assertThat(tenfoldVersion)
          .startsWith(PriceFiles.defaultTable().version() + "+overrides-sha256:");

      CliHarness.Result listed = cli.run("prices", "versions", "--db", db, "--format", "json");
      assertThat(listed.exitCode()).as(listed.err()).isZero();
      assertThat(JsonSchemas.validate("prices-versions.schema.json", listed.out())).isEmpty();
      List<String> versions = new ArrayList<>();
      JSON.readTree(listed.out())
          .path("price_tables")
          .forEach(t -> versions.add(t.path("version").asText()));
      assertThat(versions)
          .containsExactlyInAnyOrder(PriceFiles.defaultTable().version(), tenfoldVersion);

      // the override file is gone: the ledger's copy prices the report, named by a hash prefix
      String hash = tenfoldVersion.substring(tenfoldVersion.lastIndexOf(':') + 1);
      JsonNode again =
          json(
              cli.run(
                  "report",
                  "--db",
                  db,
                  "--price-version",
                  hash.substring(0, 12),
                  "--format",
                  "json"));
      assertThat(again.path("price_table_version").asText()).isEqualTo(tenfoldVersion);
      assertThat(again.path("rows")).isEqualTo(tenfold.path("rows"));
      assertThat(again.path("total")).isEqualTo(tenfold.path("total"));

      JsonNode before =
          json(
              cli.run(
                  "report",
                  "--db",
                  db,
                  "--price-version",
                  PriceFiles.defaultTable().version(),
                  "--format",
                  "json"));
      assertThat(before.path("total")).isEqualTo(packaged.path("total"));

      CliHarness.Result table = cli.run("prices", "versions", "--db", db);
      assertThat(table.out())
          .contains(tenfoldVersion)
          .contains("tokenledger report --price-version VERSION");
    }
  }

  @Test
  void aVersionNotInTheLedgerOrGivenWithAPriceFileIsRefused() throws Exception {
    try (ReportLab lab = new ReportLab(dir.resolve("ledger.db"))) {
      String db = lab.db.toString();
      CliHarness cli = new CliHarness(dir).clock(lab.clock);

      CliHarness.Result unknown =
          cli.run("report", "--db", db, "--price-version", "0123456789abcdef");
      assertThat(unknown.exitCode()).isEqualTo(ExitCode.CONFIG);
      assertThat(unknown.err())
          .contains("price version '0123456789abcdef' is not recorded in the ledger")
          .contains("tokenledger prices versions");

      CliHarness.Result both =
          cli.run("report", "--db", db, "--prices", "p.json", "--price-version", "abcdef");
      assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);
      assertThat(both.err()).contains("--prices and --price-version both name the price table");
    }
  }

  @Test
  void listingVersionsWithoutALedgerSaysSoAndCreatesNone() {
    Path db = dir.resolve("absent/ledger.db");

    CliHarness.Result result = new CliHarness(dir).run("prices", "versions", "--db", db.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).contains("no ledger at").contains("no price table recorded yet");
    assertThat(result.out()).contains("No price table recorded yet");
    assertThat(db.getParent()).doesNotExist();
  }
}
