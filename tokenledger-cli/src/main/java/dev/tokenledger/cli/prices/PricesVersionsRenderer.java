package dev.tokenledger.cli.prices;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.cli.shared.Csv;
import dev.tokenledger.cli.shared.JsonOutput;
import dev.tokenledger.ledger.StoredPriceTable;
import java.io.PrintWriter;
import java.util.List;

/**
 * Renders {@code prices versions} as a table, JSON (docs/json/prices-versions.schema.json) or CSV.
 */
final class PricesVersionsRenderer {
  static final String SCHEMA = "prices-versions.schema.json";

  private PricesVersionsRenderer() {}

  static void table(List<StoredPriceTable> versions, PrintWriter out) {
    if (versions.isEmpty()) {
      out.println(
          "No price table recorded yet: every report records the table it was priced with.");
      return;
    }
    // a version is too long for a column: each gets a line of its own, whole, to be copied
    for (StoredPriceTable t : versions) {
      out.println(t.version());
      out.println(
          "  "
              + t.models()
              + " models · first used "
              + t.firstUsedAt()
              + " · last used "
              + t.lastUsedAt()
              + " · "
              + t.source());
    }
    out.println(
        "Price a report with one of them again: tokenledger report --price-version VERSION");
  }

  static void json(List<StoredPriceTable> versions, PrintWriter out) {
    ObjectNode root = JsonOutput.document(SCHEMA);
    ArrayNode list = root.putArray("price_tables");
    for (StoredPriceTable t : versions) {
      ObjectNode n = list.addObject();
      n.put("version", t.version());
      n.put("models", t.models());
      n.put("first_used_at", t.firstUsedAt().toString());
      n.put("last_used_at", t.lastUsedAt().toString());
      n.put("source", t.source());
    }
    JsonOutput.print(root, out);
  }

  static void csv(List<StoredPriceTable> versions, PrintWriter out) {
    Csv csv =
        Csv.withHeader(
            out, List.of("version", "models", "first_used_at", "last_used_at", "source"));
    for (StoredPriceTable t : versions) {
      csv.row(cells(t));
    }
    csv.flush();
  }

  private static List<String> cells(StoredPriceTable t) {
    return List.of(
        t.version(),
        String.valueOf(t.models()),
        t.firstUsedAt().toString(),
        t.lastUsedAt().toString(),
        t.source());
  }
}
