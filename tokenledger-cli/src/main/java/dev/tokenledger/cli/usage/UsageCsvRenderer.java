package dev.tokenledger.cli.usage;

import dev.tokenledger.cli.shared.Csv;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.UsageTotals;
import dev.tokenledger.pricing.CostTotal;
import dev.tokenledger.probe.EndpointUsage;
import dev.tokenledger.probe.ProbeGroup;
import dev.tokenledger.probe.ProbeResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a probe as CSV: one row per shown group of each endpoint, or one row per endpoint when
 * not grouping. Costs are unrounded; an unpriced row has an empty cost and status {@code unpriced}.
 */
final class UsageCsvRenderer {
  private UsageCsvRenderer() {}

  static void render(ProbeResult result, PrintWriter out) {
    List<Dimension> dims = result.request().groupBy();
    List<String> header = new ArrayList<>();
    header.add("window_start");
    header.add("window_end");
    header.add("endpoint");
    dims.forEach(d -> header.add(d.wire()));
    header.addAll(
        List.of(
            "input_tokens",
            "cached_input_tokens",
            "output_tokens",
            "total_tokens",
            "requests",
            "images",
            "characters",
            "seconds",
            "usage_bytes",
            "sessions",
            "num_requests",
            "cost_usd",
            "cost_status"));
    Csv csv = Csv.withHeader(out, header);
    for (EndpointUsage e : result.endpoints()) {
      if (dims.isEmpty()) {
        csv.row(row(result, e, Map.of(), dims, e.totals(), e.cost()));
      } else {
        for (ProbeGroup g : e.groups()) {
          csv.row(row(result, e, g.values(), dims, g.totals(), e.cost().map(c -> g.cost())));
        }
      }
    }
    csv.flush();
  }

  private static List<Object> row(
      ProbeResult result,
      EndpointUsage e,
      Map<Dimension, Object> values,
      List<Dimension> dims,
      UsageTotals t,
      Optional<CostTotal> cost) {
    List<Object> cells = new ArrayList<>();
    cells.add(result.start().toString());
    cells.add(result.end().toString());
    cells.add(e.endpoint().wireName());
    dims.forEach(d -> cells.add(values.get(d))); // Csv writes a missing value empty
    cells.addAll(Csv.tokenCells(t.tokens()));
    cells.add(t.images());
    cells.add(t.characters());
    cells.add(t.seconds());
    cells.add(t.usageBytes());
    cells.add(t.sessions());
    cells.add(t.numRequests());
    if (cost.isEmpty()) {
      cells.add("");
      cells.add("not_estimated");
    } else {
      cells.add(cost.get().parts().map(p -> p.total().toPlainString()).orElse(""));
      cells.add(cost.get().status().name().toLowerCase(Locale.ROOT));
    }
    return cells;
  }
}
