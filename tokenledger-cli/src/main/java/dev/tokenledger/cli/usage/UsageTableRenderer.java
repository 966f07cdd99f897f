package dev.tokenledger.cli.usage;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageTotals;
import dev.tokenledger.pricing.CostParts;
import dev.tokenledger.pricing.CostStatus;
import dev.tokenledger.pricing.CostTotal;
import dev.tokenledger.pricing.Money;
import dev.tokenledger.probe.EndpointUsage;
import dev.tokenledger.probe.ProbeGroup;
import dev.tokenledger.probe.ProbeRequest;
import dev.tokenledger.probe.ProbeResult;
import dev.tokenledger.report.TextTable;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders a probe as the human-readable report users of the old script know. */
final class UsageTableRenderer {
  private UsageTableRenderer() {}

  static void render(ProbeResult result, ProbeLabels labels, PrintWriter out) {
    ProbeRequest request = result.request();
    out.println("Querying usage for " + labels.windowPhrase() + ":");
    out.println("  Start: " + result.start().getEpochSecond() + " (" + result.start() + ")");
    out.println("  End:   " + result.end().getEpochSecond() + " (" + result.end() + ")");
    if (!request.models().isEmpty()) {
      String matches = result.modelMatches();
      out.println(
          "  Model: "
              + String.join(", ", request.models())
              + (matches.isEmpty() ? "" : " (" + matches + ")"));
    }
    if (!request.userIds().isEmpty()) {
      out.println("  User id: " + String.join(", ", request.userIds()));
    }
    if (request.batch() != null) {
      out.println("  Batch: " + (request.batch() ? "Batch API only" : "without the Batch API"));
    }
    labels
        .framework()
        .ifPresent(
            f ->
                out.println(
                    "  Framework: " + f + " (" + String.join(", ", request.apiKeyIds()) + ")"));
    if (labels.framework().isEmpty() && !request.apiKeyIds().isEmpty()) {
      out.println("  API key id: " + String.join(", ", request.apiKeyIds()));
    }
    if (!request.projectIds().isEmpty()) {
      out.println("  Project: " + String.join(", ", request.projectIds()));
    }
    if (!(request.endpoints().size() == 1
        && request.endpoints().get(0) == UsageEndpoint.COMPLETIONS)) {
      out.println(
          "  Endpoints: "
              + request.endpoints().stream()
                  .map(UsageEndpoint::wireName)
                  .collect(Collectors.joining(", ")));
    }
    out.println("  Bucket width: " + request.width().wire());
    out.println(
        "  Usage key: " + labels.usageKeyVariable() + " (" + labels.usageKeyRedacted() + ")");
    for (UsageEndpoint e : result.skipped()) {
      out.println(
          "  Skipped: "
              + e.wireName()
              + " (it cannot filter by the model, key, project, user or batch asked for)");
    }

    if (result.isEmpty() && !result.otherModels().isEmpty()) {
      // The API did record usage: only not of these models. No reporting delay to blame.
      out.println("Results:");
      out.println(
          "  No usage of "
              + String.join(", ", request.models())
              + " in this window; the Usage API recorded usage of "
              + String.join(", ", result.otherModels())
              + ".");
      out.println(
          "ℹ️  An undated name (gpt-4o-mini) matches its dated snapshots"
              + " (gpt-4o-mini-2024-07-18); check the name, or leave --model out.");
      return;
    }
    if (result.isEmpty()) {
      out.println("Results:");
      out.println("  No usage recorded in this window.");
      out.println(
          "ℹ️  The Usage API answered with no usage. Usage shows up 5 to 60 minutes after the"
              + " requests: try a wider --since if the requests were recent.");
      return;
    }
    TokenCounts t = result.tokens();
    out.println("Results:");
    out.println(
        "  Input tokens:  " + number(t.input()) + "   (cached " + number(t.cachedInput()) + ")");
    out.println("  Output tokens: " + number(t.output()));
    out.println("  Total tokens:  " + number(t.total()));
    out.println("  Requests:      " + number(t.requests()));
    renderCost(result.cost(), out);
    for (EndpointUsage e : result.endpoints()) {
      if (!e.endpoint().countsTokens() && e.totals().rows() > 0) {
        out.println(
            "  "
                + e.endpoint().wireName()
                + ": "
                + otherCounters(e.totals())
                + " (cost not estimated)");
      }
    }
    for (EndpointUsage e : result.endpoints()) {
      if (!e.groups().isEmpty()) {
        renderGroups(e, request.groupBy(), out);
      }
    }
    out.println("✅ Token counting works: the Usage API recorded usage in this window.");
  }

  private static void renderCost(CostTotal cost, PrintWriter out) {
    if (cost.status() == CostStatus.UNPRICED) {
      out.println(
          "  Estimated cost: UNPRICED (not in the price table: "
              + String.join(", ", cost.unpricedModels())
              + ")");
      return;
    }
    CostParts parts = cost.parts().orElseThrow();
    String partial =
        cost.status() == CostStatus.PARTIAL
            ? "  (partial: UNPRICED " + String.join(", ", cost.unpricedModels()) + ")"
            : "";
    out.println("  Estimated cost: " + money(parts.total()) + partial);
    if (parts.cachedInput().signum() > 0) {
      out.println("    Input:        " + money(parts.uncachedInput()));
      out.println("    Cached input: " + money(parts.cachedInput()));
      out.println("    Output:       " + money(parts.output()));
    } else {
      out.println("    Input:  " + money(parts.input()));
      out.println("    Output: " + money(parts.output()));
    }
  }

  private static void renderGroups(EndpointUsage e, List<Dimension> dims, PrintWriter out) {
    out.println(
        "Groups ("
            + e.endpoint().wireName()
            + ", by "
            + dims.stream().map(Dimension::wire).collect(Collectors.joining(", "))
            + "):");
    List<String> headers = new ArrayList<>();
    dims.forEach(d -> headers.add(d.wire().toUpperCase(Locale.ROOT)));
    boolean tokens = e.endpoint().countsTokens();
    if (tokens) {
      headers.addAll(List.of("INPUT", "CACHED", "OUTPUT", "TOTAL", "REQUESTS", "COST"));
    } else {
      headers.add("USAGE");
    }
    TextTable table = TextTable.withHeaders(headers.toArray(String[]::new));
    for (int i = dims.size(); i < headers.size(); i++) {
      table.align(i, TextTable.Align.RIGHT);
    }
    for (ProbeGroup g : e.groups()) {
      List<String> cells = new ArrayList<>();
      for (Dimension d : dims) {
        Object v = g.values().get(d);
        cells.add(v == null ? "-" : v.toString());
      }
      if (tokens) {
        TokenCounts c = g.totals().tokens();
        cells.add(number(c.input()));
        cells.add(number(c.cachedInput()));
        cells.add(number(c.output()));
        cells.add(number(c.total()));
        cells.add(number(c.requests()));
        cells.add(costCell(g.cost()));
      } else {
        cells.add(otherCounters(g.totals()));
      }
      table.row(cells);
    }
    table.render("  ").forEach(out::println);
  }

  static String costCell(CostTotal cost) {
    return switch (cost.status()) {
      case UNPRICED -> "UNPRICED";
      case PARTIAL -> money(cost.parts().orElseThrow().total()) + " (partial)";
      case PRICED -> money(cost.parts().orElseThrow().total());
    };
  }

  static String otherCounters(UsageTotals t) {
    List<String> parts = new ArrayList<>();
    addCount(parts, t.images(), "images");
    addCount(parts, t.characters(), "characters");
    addCount(parts, t.seconds(), "seconds");
    addCount(parts, t.usageBytes(), "byte-buckets");
    addCount(parts, t.sessions(), "sessions");
    addCount(parts, t.numRequests(), "tool calls");
    addCount(parts, t.tokens().requests(), "model requests");
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  private static void addCount(List<String> parts, long count, String unit) {
    if (count > 0) {
      parts.add(number(count) + " " + unit);
    }
  }

  static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String money(BigDecimal amount) {
    return "$" + Money.forTable(amount).toPlainString();
  }
}
