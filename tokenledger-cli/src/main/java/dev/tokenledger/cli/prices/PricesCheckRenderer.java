package dev.tokenledger.cli.prices;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.cli.shared.Csv;
import dev.tokenledger.cli.shared.JsonOutput;
import dev.tokenledger.ledger.SeenModel;
import dev.tokenledger.pricing.PriceField;
import dev.tokenledger.pricing.PriceFinding;
import dev.tokenledger.pricing.PriceTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@code prices check} as lines, JSON (docs/json/prices-check.schema.json) or CSV: the
 * table's findings, then the ledger's models that are not priced as used.
 */
final class PricesCheckRenderer {
  static final String SCHEMA = "prices-check.schema.json";

  /** The CSV columns after a finding's: what the ledger holds of its model. */
  private static final List<String> SEEN_COLUMNS =
      List.of(
          "usage_rows",
          "usage_tokens",
          "reconciled_runs",
          "reconciled_tokens",
          "unattributed_rows",
          "unattributed_tokens",
          "local_requests",
          "local_tokens",
          "hinted_runs");

  private PricesCheckRenderer() {}

  static void table(
      PriceTable table,
      List<String> checked,
      List<PriceFinding> findings,
      LedgerModels ledger,
      PrintWriter out) {
    tableFindings(table, checked, findings, out);
    if (ledger != null) {
      out.println();
      ledgerTable(ledger, out);
    }
  }

  private static void tableFindings(
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

  private static void ledgerTable(LedgerModels ledger, PrintWriter out) {
    int unpriced = ledger.problems().size();
    out.println(
        "The ledger "
            + ledger.location()
            + " has seen "
            + count(ledger.modelsSeen(), "model", "models")
            + (unpriced == 0
                ? (ledger.modelsSeen() == 0 ? "." : "; every one is priced.")
                : "; " + unpriced + (unpriced == 1 ? " is" : " are") + " not priced as used:"));
    if (unpriced == 0) {
      return;
    }
    int width =
        ledger.problems().stream().mapToInt(p -> p.finding().model().length()).max().orElse(0);
    for (LedgerModels.Problem p : ledger.problems()) {
      String model = p.finding().model();
      out.println(
          "  "
              + model
              + " ".repeat(width - model.length())
              + "  "
              + PriceLabels.problem(p.finding().kind())
              + ": "
              + held(p.seen()));
      out.println("    " + p.finding().message());
    }
    out.println(
        "Fix: put their per-token prices (from OpenAI's pricing page) in a JSON override file,"
            + " {\"MODEL\": {\"input_cost_per_token\": …, \"cache_read_input_token_cost\": …,"
            + " \"output_cost_per_token\": …}}, and pass it with --prices FILE or"
            + " TOKENLEDGER_PRICES.");
  }

  /** What the ledger holds of a model, e.g. {@code usage 3 rows (1,234 tokens); 1 run hint}. */
  static String held(SeenModel m) {
    List<String> parts = new ArrayList<>();
    tally(parts, "usage", m.usage(), "row", "rows");
    tally(parts, "reconciled", m.reconciled(), "run", "runs");
    tally(parts, "unattributed", m.unattributed(), "row", "rows");
    tally(parts, "local", m.local(), "request", "requests");
    if (m.hintedRuns() > 0) {
      parts.add("model hint of " + count(m.hintedRuns(), "run", "runs"));
    }
    return String.join("; ", parts);
  }

  private static void tally(
      List<String> parts, String source, SeenModel.Tally t, String one, String many) {
    if (t.count() > 0) {
      parts.add(
          source
              + " "
              + count(t.count(), one, many)
              + " ("
              + count(t.tokens(), "token", "tokens")
              + ")");
    }
  }

  private static String count(long n, String one, String many) {
    return String.format(Locale.ROOT, "%,d", n) + " " + (n == 1 ? one : many);
  }

  static void json(
      PriceTable table,
      List<String> checked,
      List<PriceFinding> findings,
      LedgerModels ledger,
      PrintWriter out) {
    ObjectNode root = JsonOutput.document(SCHEMA);
    ObjectNode t = root.putObject("price_table");
    t.put("version", table.version());
    t.put("source", table.source());
    ArrayNode models = root.putArray("models_checked");
    checked.forEach(models::add);
    ArrayNode list = root.putArray("findings");
    for (PriceFinding f : findings) {
      finding(list.addObject(), f);
    }
    if (ledger == null) {
      root.putNull("ledger");
    } else {
      ObjectNode l = root.putObject("ledger");
      l.put("location", ledger.location());
      l.put("models_seen", ledger.modelsSeen());
      ArrayNode problems = l.putArray("findings");
      for (LedgerModels.Problem p : ledger.problems()) {
        ObjectNode n = problems.addObject();
        finding(n, p.finding());
        ObjectNode seen = n.putObject("seen");
        SeenModel m = p.seen();
        seen.put("usage_rows", m.usage().count());
        seen.put("usage_tokens", m.usage().tokens());
        seen.put("reconciled_runs", m.reconciled().count());
        seen.put("reconciled_tokens", m.reconciled().tokens());
        seen.put("unattributed_rows", m.unattributed().count());
        seen.put("unattributed_tokens", m.unattributed().tokens());
        seen.put("local_requests", m.local().count());
        seen.put("local_tokens", m.local().tokens());
        seen.put("hinted_runs", m.hintedRuns());
      }
    }
    JsonOutput.print(root, out);
  }

  private static void finding(ObjectNode n, PriceFinding f) {
    n.put("model", f.model());
    n.put("model_key", f.modelKey().orElse(null));
    n.put("field", f.field().map(PriceField::jsonName).orElse(null));
    n.put("kind", PriceLabels.wire(f.kind()));
    n.put("message", f.message());
  }

  static void csv(List<PriceFinding> findings, LedgerModels ledger, PrintWriter out) {
    List<String> header =
        new ArrayList<>(List.of("source", "model", "model_key", "field", "kind", "message"));
    header.addAll(SEEN_COLUMNS);
    Csv csv = Csv.withHeader(out, header);
    for (PriceFinding f : findings) {
      List<String> row = csvFinding("price_table", f);
      SEEN_COLUMNS.forEach(c -> row.add(""));
      csv.row(row);
    }
    if (ledger != null) {
      for (LedgerModels.Problem p : ledger.problems()) {
        List<String> row = csvFinding("ledger", p.finding());
        SeenModel m = p.seen();
        for (long v :
            new long[] {
              m.usage().count(),
              m.usage().tokens(),
              m.reconciled().count(),
              m.reconciled().tokens(),
              m.unattributed().count(),
              m.unattributed().tokens(),
              m.local().count(),
              m.local().tokens(),
              m.hintedRuns()
            }) {
          row.add(Long.toString(v));
        }
        csv.row(row);
      }
    }
    csv.flush();
  }

  private static List<String> csvFinding(String source, PriceFinding f) {
    return new ArrayList<>(
        List.of(
            source,
            f.model(),
            f.modelKey().orElse(""),
            f.field().map(PriceField::jsonName).orElse(""),
            PriceLabels.wire(f.kind()),
            f.message()));
  }
}
