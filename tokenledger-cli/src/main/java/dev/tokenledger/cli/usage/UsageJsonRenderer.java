package dev.tokenledger.cli.usage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.cli.shared.JsonOutput;
import dev.tokenledger.openai.ApiError;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageTotals;
import dev.tokenledger.pricing.CostParts;
import dev.tokenledger.pricing.CostTotal;
import dev.tokenledger.probe.EndpointUsage;
import dev.tokenledger.probe.ProbeGroup;
import dev.tokenledger.probe.ProbeRequest;
import dev.tokenledger.probe.ProbeResult;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders a probe, or the error that stopped it, as JSON (schema: docs/json/usage.schema.json). */
final class UsageJsonRenderer {
  static final String SCHEMA = "usage.schema.json";

  private UsageJsonRenderer() {}

  static void render(ProbeResult result, ProbeLabels labels, PrintWriter out) {
    ObjectNode root = header(result.request(), result.start(), result.end(), labels);
    ObjectNode filters = (ObjectNode) root.get("filters");
    strings(filters.putArray("models_matched"), List.copyOf(result.matchedModels()));
    strings(filters.putArray("models_left_out"), List.copyOf(result.otherModels()));
    root.put("empty", result.isEmpty());
    tokens(root.putObject("totals"), result.tokens());
    cost(root.putObject("cost"), result.cost());
    ArrayNode endpoints = root.putArray("endpoints");
    for (EndpointUsage e : result.endpoints()) {
      ObjectNode node = endpoints.addObject();
      node.put("endpoint", e.endpoint().wireName());
      totals(node.putObject("totals"), e.totals());
      if (e.cost().isPresent()) {
        cost(node.putObject("cost"), e.cost().get());
      } else {
        node.putNull("cost");
      }
      ArrayNode groups = node.putArray("groups");
      for (ProbeGroup g : e.groups()) {
        ObjectNode gn = groups.addObject();
        ObjectNode dims = gn.putObject("dimensions");
        g.values().forEach((d, v) -> dims.putPOJO(d.wire(), v));
        totals(gn.putObject("totals"), g.totals());
        if (e.cost().isPresent()) {
          cost(gn.putObject("cost"), g.cost());
        } else {
          gn.putNull("cost");
        }
      }
      ObjectNode stats = node.putObject("requests");
      stats.put("pages", e.stats().pages());
      stats.put("http_requests", e.stats().httpRequests());
    }
    ArrayNode skipped = root.putArray("skipped_endpoints");
    result.skipped().forEach(s -> skipped.add(s.wireName()));
    ObjectNode stats = root.putObject("requests");
    stats.put("pages", result.stats().pages());
    stats.put("http_requests", result.stats().httpRequests());
    root.putNull("error");
    JsonOutput.print(root, out);
  }

  static void renderError(
      ProbeRequest request, ProbeLabels labels, OpenAiException error, PrintWriter out) {
    ObjectNode root =
        header(
            request,
            request.width().floor(request.start()),
            request.width().ceil(request.end()),
            labels);
    ObjectNode e = root.putObject("error");
    e.put("kind", kind(error));
    e.put("message", error.getMessage());
    if (error.httpStatus().isPresent()) {
      e.put("http_status", error.httpStatus().getAsInt());
    } else {
      e.putNull("http_status");
    }
    ApiError api = error.apiError().orElse(null);
    e.put("type", api == null ? null : api.type());
    e.put("code", api == null ? null : api.code());
    ArrayNode scopes = e.putArray("missing_scopes");
    if (error instanceof KeyRefusedException refused) {
      refused.missingScopes().forEach(scopes::add);
    }
    e.put("endpoint", error.endpoint());
    JsonOutput.print(root, out);
  }

  private static ObjectNode header(
      ProbeRequest request, Instant start, Instant end, ProbeLabels labels) {
    ObjectNode root = JsonOutput.document(SCHEMA);
    ObjectNode window = root.putObject("window");
    window.put("start", start.toString());
    window.put("end", end.toString());
    window.put("start_epoch", start.getEpochSecond());
    window.put("end_epoch", end.getEpochSecond());
    window.put("requested_start", request.start().toString());
    window.put("requested_end", request.end().toString());
    window.put("bucket_width", request.width().wire());
    ObjectNode filters = root.putObject("filters");
    strings(filters.putArray("models"), request.models());
    strings(filters.putArray("api_key_ids"), request.apiKeyIds());
    strings(filters.putArray("project_ids"), request.projectIds());
    filters.put("framework", labels.framework().orElse(null));
    strings(filters.putArray("user_ids"), request.userIds());
    if (request.batch() == null) {
      filters.putNull("batch");
    } else {
      filters.put("batch", request.batch());
    }
    ArrayNode groupBy = filters.putArray("group_by");
    request.groupBy().forEach(d -> groupBy.add(d.wire()));
    ArrayNode asked = root.putArray("endpoints_requested");
    request.endpoints().stream().map(UsageEndpoint::wireName).forEach(asked::add);
    ObjectNode key = root.putObject("usage_key");
    key.put("variable", labels.usageKeyVariable());
    key.put("redacted", labels.usageKeyRedacted());
    return root;
  }

  private static void tokens(ObjectNode node, TokenCounts t) {
    node.put("input_tokens", t.input());
    node.put("cached_input_tokens", t.cachedInput());
    node.put("uncached_input_tokens", t.uncachedInput());
    node.put("output_tokens", t.output());
    node.put("total_tokens", t.total());
    node.put("requests", t.requests());
  }

  private static void totals(ObjectNode node, UsageTotals t) {
    tokens(node, t.tokens());
    node.put("images", t.images());
    node.put("characters", t.characters());
    node.put("seconds", t.seconds());
    node.put("usage_bytes", t.usageBytes());
    node.put("sessions", t.sessions());
    node.put("num_requests", t.numRequests());
    node.put("result_rows", t.rows());
  }

  private static void cost(ObjectNode node, CostTotal cost) {
    node.put("status", cost.status().name().toLowerCase(Locale.ROOT));
    node.put("currency", "usd");
    CostParts parts = cost.parts().orElse(null);
    node.put("total", parts == null ? null : parts.total());
    node.put("input", parts == null ? null : parts.input());
    node.put("uncached_input", parts == null ? null : parts.uncachedInput());
    node.put("cached_input", parts == null ? null : parts.cachedInput());
    node.put("output", parts == null ? null : parts.output());
    strings(node.putArray("unpriced_models"), List.copyOf(cost.unpricedModels()));
    ArrayNode flags = node.putArray("flags");
    cost.flags().forEach(f -> flags.add(f.name().toLowerCase(Locale.ROOT)));
    strings(node.putArray("price_table_versions"), List.copyOf(cost.priceTableVersions()));
  }

  private static String kind(OpenAiException error) {
    return error instanceof KeyRefusedException ? "key_refused" : "api_failure";
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
