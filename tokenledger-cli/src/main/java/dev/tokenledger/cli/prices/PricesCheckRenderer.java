package dev.tokenledger.cli.prices;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.cli.Csv;
import dev.tokenledger.cli.JsonOutput;
import dev.tokenledger.pricing.PriceField;
import dev.tokenledger.pricing.PriceFinding;
import dev.tokenledger.pricing.PriceTable;
import java.io.PrintWriter;
import java.util.List;

/** Renders {@code prices check} as lines, JSON (docs/json/prices-check.schema.json) or CSV. */
final class PricesCheckRenderer {
  static final String SCHEMA = "prices-check.schema.json";

  private PricesCheckRenderer() {}

  static void table(
      PriceTable table, List<String> checked, List<PriceFinding> findings, PrintWriter out) {
    out.println(
        "Checked "
            + checked.size()
            + (checked.size() == 1 ? " model" : " models")
            + " against the price table "
            + table.version()
            + ":");
    if (findings.isEmpty()) {
      out.println("  No problems found.");
      return;
    }
    int width =
        findings.stream().mapToInt(f -> PriceLabels.problem(f.kind()).length()).max().orElse(0);
    for (PriceFinding f : findings) {
      String problem = PriceLabels.problem(f.kind());
      out.println("  " + problem + " ".repeat(width - problem.length()) + "  " + f.message());
    }
    out.println(findings.size() + (findings.size() == 1 ? " problem" : " problems") + " found.");
  }

  static void json(
      PriceTable table, List<String> checked, List<PriceFinding> findings, PrintWriter out) {
    ObjectNode root = JsonOutput.document(SCHEMA);
    ObjectNode t = root.putObject("price_table");
    t.put("version", table.version());
    t.put("source", table.source());
    ArrayNode models = root.putArray("models_checked");
    checked.forEach(models::add);
    ArrayNode list = root.putArray("findings");
    for (PriceFinding f : findings) {
      ObjectNode n = list.addObject();
      n.put("model", f.model());
      n.put("model_key", f.modelKey().orElse(null));
      n.put("field", f.field().map(PriceField::jsonName).orElse(null));
      n.put("kind", PriceLabels.wire(f.kind()));
      n.put("message", f.message());
    }
    JsonOutput.print(root, out);
  }

  static void csv(List<PriceFinding> findings, PrintWriter out) {
    Csv csv = Csv.withHeader(out, List.of("model", "model_key", "field", "kind", "message"));
    for (PriceFinding f : findings) {
      csv.row(
          List.of(
              f.model(),
              f.modelKey().orElse(""),
              f.field().map(PriceField::jsonName).orElse(""),
              PriceLabels.wire(f.kind()),
              f.message()));
    }
    csv.flush();
  }
}
