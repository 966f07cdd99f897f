package dev.tokenledger.cli.costs;

import dev.tokenledger.cli.shared.Csv;
import dev.tokenledger.costs.CostCause;
import dev.tokenledger.costs.CostsComparison;
import dev.tokenledger.costs.KeyDayCost;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders billed against estimated dollars as CSV: one row per key and day, amounts unrounded; an
 * UNPRICED estimate is empty with status {@code unpriced}.
 */
final class CostsCsvRenderer {
  private CostsCsvRenderer() {}

  static void render(CostsComparison c, Map<String, String> names, PrintWriter out) {
    Csv csv =
        Csv.withHeader(
            out,
            List.of(
                "day",
                "project_id",
                "api_key_id",
                "framework",
                "billed_usd",
                "estimated_usd",
                "estimated_status",
                "difference_usd",
                "ratio",
                "flagged",
                "input_tokens",
                "cached_input_tokens",
                "output_tokens",
                "requests",
                "causes",
                "price_table_version"));
    for (KeyDayCost r : c.rows()) {
      List<Object> cells = new ArrayList<>();
      cells.add(CostsLabels.day(r));
      cells.add(r.projectId());
      cells.add(r.apiKeyId());
      cells.add(r.apiKeyId() == null ? null : names.get(r.apiKeyId()));
      cells.add(r.billed());
      cells.add(r.estimated().total().orElse(null));
      cells.add(CostsLabels.status(r.estimated().status()));
      cells.add(r.difference().orElse(null));
      cells.add(r.ratio().orElse(null));
      cells.add(r.flagged());
      cells.add(r.tokens().input());
      cells.add(r.tokens().cachedInput());
      cells.add(r.tokens().output());
      cells.add(r.tokens().requests());
      cells.add(r.causes().stream().map(CostCause::message).collect(Collectors.joining("; ")));
      cells.add(c.priceTableVersion());
      csv.row(cells);
    }
    csv.flush();
  }
}
