package dev.tokenledger.cli.prices;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.cli.shared.Csv;
import dev.tokenledger.cli.shared.JsonOutput;
import dev.tokenledger.pricing.ModelPrice;
import dev.tokenledger.pricing.PriceField;
import dev.tokenledger.pricing.PriceMatch;
import dev.tokenledger.pricing.PriceTable;
import dev.tokenledger.pricing.PriceTier;
import dev.tokenledger.report.TextTable;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Renders {@code prices show} as a table, JSON (docs/json/prices-show.schema.json) or CSV. */
final class PricesShowRenderer {
  static final String SCHEMA = "prices-show.schema.json";

  private PricesShowRenderer() {}

  static void table(PriceTable table, List<ShownPrice> shown, PrintWriter out) {
    for (ShownPrice s : shown) {
      out.println(s.model());
      if (s.match().isEmpty()) {
        out.println("  UNPRICED: no entry with per-token prices; its usage is never costed at $0");
        out.println();
        continue;
      }
      PriceMatch match = s.match().get();
      ModelPrice price = match.price();
      out.println("  Priced as: " + match.modelKey() + " (" + PriceLabels.rule(match.rule()) + ")");
      table
          .overriddenVia(match.modelKey())
          .ifPresent(
              undated ->
                  out.println(
                      "  Override:  the override file's "
                          + undated
                          + " prices (it does not name "
                          + match.modelKey()
                          + " itself)"));
      price.mode().ifPresent(m -> out.println("  Mode:      " + m));
      out.println("  USD per 1M tokens:");
      TextTable t = TextTable.withHeaders("TIER", "INPUT", "CACHED INPUT", "OUTPUT");
      for (int i = 1; i <= 3; i++) {
        t.align(i, TextTable.Align.RIGHT);
      }
      for (PriceTier tier : PriceTier.values()) {
        List<String> cells = new ArrayList<>();
        cells.add(PriceLabels.wire(tier));
        for (PriceField.Kind kind : PriceLabels.KINDS) {
          cells.add(
              PriceLabels.perMillion(price, kind, tier).map(BigDecimal::toPlainString).orElse("-"));
        }
        t.row(cells);
      }
      t.render("    ").forEach(out::println);
      out.println();
    }
    out.println(
        "- : not in the table; the standard (or input) price is used and the cost flagged.");
    out.println("Price table: " + table.version());
    out.println("Source:      " + table.source());
  }

  static void json(PriceTable table, List<ShownPrice> shown, PrintWriter out) {
    ObjectNode root = JsonOutput.document(SCHEMA);
    ObjectNode t = root.putObject("price_table");
    t.put("version", table.version());
    t.put("source", table.source());
    ArrayNode models = root.putArray("models");
    for (ShownPrice s : shown) {
      ObjectNode m = models.addObject();
      m.put("model", s.model());
      m.put("status", s.match().isPresent() ? "priced" : "unpriced");
      if (s.match().isEmpty()) {
        m.putNull("model_key");
        m.putNull("rule");
        m.putNull("mode");
        m.putNull("per_million_tokens");
        m.putNull("per_token");
        continue;
      }
      PriceMatch match = s.match().get();
      ModelPrice price = match.price();
      m.put("model_key", match.modelKey());
      m.put("rule", PriceLabels.wire(match.rule()));
      m.put("mode", price.mode().orElse(null));
      ObjectNode perMillion = m.putObject("per_million_tokens");
      for (PriceTier tier : PriceTier.values()) {
        ObjectNode tierNode = perMillion.putObject(PriceLabels.wire(tier));
        for (PriceField.Kind kind : PriceLabels.KINDS) {
          tierNode.put(
              PriceLabels.kind(kind), PriceLabels.perMillion(price, kind, tier).orElse(null));
        }
      }
      ObjectNode perToken = m.putObject("per_token");
      price.prices().forEach((field, value) -> perToken.put(field.jsonName(), value));
    }
    JsonOutput.print(root, out);
  }

  static void csv(PriceTable table, List<ShownPrice> shown, PrintWriter out) {
    Csv csv =
        Csv.withHeader(
            out,
            List.of(
                "model",
                "status",
                "model_key",
                "rule",
                "tier",
                "input_per_million",
                "cached_input_per_million",
                "output_per_million",
                "price_table_version"));
    for (ShownPrice s : shown) {
      if (s.match().isEmpty()) {
        csv.row(List.of(s.model(), "unpriced", "", "", "", "", "", "", table.version()));
        continue;
      }
      PriceMatch match = s.match().get();
      for (PriceTier tier : PriceTier.values()) {
        List<Object> cells = new ArrayList<>();
        cells.add(s.model());
        cells.add("priced");
        cells.add(match.modelKey());
        cells.add(PriceLabels.wire(match.rule()));
        cells.add(PriceLabels.wire(tier));
        for (PriceField.Kind kind : PriceLabels.KINDS) {
          cells.add(PriceLabels.perMillion(match.price(), kind, tier).orElse(null));
        }
        cells.add(table.version());
        csv.row(cells);
      }
    }
    csv.flush();
  }
}
