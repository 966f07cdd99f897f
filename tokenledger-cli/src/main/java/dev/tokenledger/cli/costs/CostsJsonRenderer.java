package dev.tokenledger.cli.costs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.shared.JsonOutput;
import dev.tokenledger.costs.CostCause;
import dev.tokenledger.costs.CostsComparison;
import dev.tokenledger.costs.KeyDayCost;
import dev.tokenledger.costs.service.Provenance;
import dev.tokenledger.openai.RequestStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/** Renders billed against estimated dollars as JSON (docs/json/costs.schema.json). */
final class CostsJsonRenderer {
  static final String SCHEMA = "costs.schema.json";

  private CostsJsonRenderer() {}

  static void render(
      CostsComparison c, Map<String, String> names, Provenance provenance, PrintWriter out) {
    ObjectNode root = JsonOutput.document(SCHEMA);
    ObjectNode window = root.putObject("window");
    window.put("start", c.start().toString());
    window.put("end", c.end().toString());
    window.put("days", Duration.between(c.start(), c.end()).toDays());
    root.put("currency", "usd");
    root.put("tolerance", c.request().tolerance());
    root.put("price_table_version", c.priceTableVersion());
    ArrayNode rows = root.putArray("rows");
    for (KeyDayCost r : c.rows()) {
      ObjectNode n = rows.addObject();
      n.put("day", CostsLabels.day(r));
      n.put("project_id", r.projectId());
      n.put("api_key_id", r.apiKeyId());
      n.put("framework", r.apiKeyId() == null ? null : names.get(r.apiKeyId()));
      figures(n, r);
    }
    figures(root.putObject("total"), c.total());
    ObjectNode requests = root.putObject("requests");
    stats(requests.putObject("costs"), c.costsRequests());
    stats(requests.putObject("usage"), c.usageRequests());
    root.put("offline", provenance.offline());
    root.put("ledger", provenance.ledger());
    ArrayNode reads = root.putArray("reads");
    for (Provenance.Read r : provenance.reads()) {
      ObjectNode n = reads.addObject();
      n.put("id", r.id());
      n.put("endpoint", r.read().spec().endpoint());
      n.put("figures", r.read().spec().isCosts() ? "billed" : "estimated");
      n.put("fetched_at", r.read().fetchedAt().toString());
      n.put("query", r.read().spec().query());
    }
    JsonOutput.print(root, out);
  }

  private static void figures(ObjectNode n, KeyDayCost r) {
    n.put("billed", r.billed());
    ObjectNode e = n.putObject("estimated");
    e.put("status", CostsLabels.status(r.estimated().status()));
    e.put("total", r.estimated().total().orElse(null));
    e.put("source", "usage×price");
    ArrayNode unpriced = e.putArray("unpriced_models");
    r.estimated().unpricedModels().forEach(unpriced::add);
    n.put("difference", r.difference().orElse(null));
    n.put("ratio", r.ratio().orElse(null));
    n.put("flagged", r.flagged());
    TokenCounts t = r.tokens();
    ObjectNode tokens = n.putObject("tokens");
    tokens.put("input_tokens", t.input());
    tokens.put("cached_input_tokens", t.cachedInput());
    tokens.put("output_tokens", t.output());
    tokens.put("total_tokens", t.total());
    tokens.put("requests", t.requests());
    ArrayNode causes = n.putArray("causes");
    for (CostCause cause : r.causes()) {
      ObjectNode cn = causes.addObject();
      cn.put("kind", CostsLabels.kind(cause.kind()));
      cn.put("subject", cause.subject());
      cn.put("message", cause.message());
    }
  }

  private static void stats(ObjectNode n, RequestStats s) {
    n.put("pages", s.pages());
    n.put("http_requests", s.httpRequests());
  }
}
