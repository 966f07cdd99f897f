package dev.tokenledger.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.pricing.CostParts;
import dev.tokenledger.report.GenaiDevbenchExport.Verification;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a genai-devbench {@code metrics.json} that export owns (FORMAT.md "What export
 * writes back"): the verification, the aggregate metrics and cost breakdown of a run with figures,
 * and each step's figure. Every other field stays where and as it was.
 */
final class MetricsWriter {
  /** Decimals kept of a USD amount written back (more than any per-token price has). */
  private static final int USD_SCALE = 10;

  /** The {@code source} of the attempts export adds, so that a second export finds its own. */
  private static final String ATTEMPT_SOURCE = "tokenledger";

  private MetricsWriter() {}

  /**
   * Sets what export owns in {@code root}; every other field stays where and as it was. Without
   * figures only the status and message are set: nothing is zeroed.
   */
  static void fill(ObjectNode root, RunExport export) {
    ObjectNode reconciliation = object(root, "usage_api_reconciliation");
    reconciliation.put("verification_status", export.status().word());
    reconciliation.put("verification_message", export.message());
    PricedRun priced = export.priced();
    if (priced == null) {
      return;
    }
    reconciliation.put("verified_at", priced.reconciledAt().toString());
    addAttempt(reconciliation, priced);

    TokenCounts t = priced.tokens();
    ObjectNode metrics = object(root, "aggregate_metrics");
    metrics.put("TOK_IN", t.input());
    metrics.put("TOK_OUT", t.output());
    metrics.put("API_CALLS", t.requests());
    metrics.put("CACHED_TOKENS", t.cachedInput());
    Optional<CostParts> parts = priced.cost().parts();
    if (parts.isPresent()) {
      CostParts p = parts.get();
      BigDecimal uncached = usd(p.uncachedInput());
      BigDecimal cached = usd(p.cachedInput());
      BigDecimal output = usd(p.output());
      // the sum of the written parts, so that the file adds up to the last decimal
      metrics.put("COST_USD", plain(uncached.add(cached).add(output)));
      ObjectNode cost = object(root, "cost_breakdown");
      cost.put("uncached_input_cost", plain(uncached));
      cost.put("cached_input_cost", plain(cached));
      cost.put("output_cost", plain(output));
      cost.put("cache_savings", plain(usd(priced.cacheSavings())));
    }
    JsonNode autr = metrics.get("AUTR");
    if (autr != null && autr.isNumber()) {
      metrics.put("AEI", t.input() == 0 ? 0.0 : autr.asDouble() / Math.log1p(t.input()));
    }

    fillSteps(root, export);

    ObjectNode cost = object(root, "cost_breakdown");
    priced.mainModel().ifPresent(m -> cost.put("model", m));
    ArrayNode models = cost.putArray("models");
    for (PricedRun.ModelUsage u : priced.models()) {
      ObjectNode model = models.addObject();
      model.put("model", u.model());
      model.put("tokens_in", u.tokens().input());
      model.put("tokens_out", u.tokens().output());
      model.put("cached_tokens", u.tokens().cachedInput());
      model.put("api_calls", u.tokens().requests());
      Optional<BigDecimal> total = u.cost().total();
      if (total.isPresent()) {
        model.put("cost_usd", plain(usd(total.get())));
      } else {
        model.putNull("cost_usd");
      }
    }
    cost.put("cost_status", priced.cost().status().name().toLowerCase(Locale.ROOT));
    if (!priced.cost().priceTableVersions().isEmpty()) {
      cost.put("price_table", String.join(", ", priced.cost().priceTableVersions()));
    }
  }

  /**
   * Appends the attempt the figures come from to {@code attempts}, unless an earlier export did:
   * genai-devbench keeps one entry per read, and so does export.
   */
  private static void addAttempt(ObjectNode reconciliation, PricedRun priced) {
    String timestamp = priced.reconciledAt().toString();
    JsonNode existing = reconciliation.get("attempts");
    ArrayNode attempts = existing instanceof ArrayNode a ? a : reconciliation.putArray("attempts");
    for (JsonNode a : attempts) {
      if (timestamp.equals(a.path("timestamp").asText())
          && ATTEMPT_SOURCE.equals(a.path("source").asText())) {
        return;
      }
    }
    TokenCounts t = priced.tokens();
    ObjectNode attempt = attempts.addObject();
    attempt.put("timestamp", timestamp);
    attempt.put("total_tokens_in", t.input());
    attempt.put("total_tokens_out", t.output());
    attempt.put("total_api_calls", t.requests());
    attempt.put("total_cached_tokens", t.cachedInput());
    RunRecord run = priced.run();
    Instant end = run.effectiveEnd();
    if (end != null) {
      // the whole minutes the figures count (shared ones apportioned): no buffer is added
      ObjectNode window = attempt.putObject("query_window");
      window.put("start", Math.floorDiv(run.startedAt().getEpochSecond(), 60L) * 60L);
      window.put("end", -Math.floorDiv(-end.toEpochMilli(), 60_000L) * 60L);
      window.put("buffer_seconds", 0);
    }
    attempt.put("source", ATTEMPT_SOURCE);
  }

  /**
   * Gives each step of {@code metrics.json} the ledger has a figure for its tokens, requests and
   * basis: {@code exact}, or {@code apportioned} with the bounds the figure lies between (a basis
   * is a word, so that one more, such as a metering proxy's, joins without a new shape). Usage of
   * the run outside every step goes into {@code usage_api_reconciliation.outside_steps}.
   */
  private static void fillSteps(ObjectNode root, RunExport export) {
    Map<StepIndex, Figure> byStep = new HashMap<>();
    for (Figure f : export.figures()) {
      if (!f.isRun()) {
        byStep.put(f.step(), f);
      }
    }
    JsonNode steps = root.get("steps");
    if (steps != null && steps.isArray()) {
      int position = 0;
      for (JsonNode step : steps) {
        position++;
        if (!step.isObject()) {
          continue;
        }
        // the importer numbered the steps so: their own "step", else their position
        int index = step.path("step").asInt(position);
        Figure f = index < 0 ? null : byStep.get(StepIndex.of(index));
        if (f != null) {
          stepFigure(
              ((ObjectNode) step).putObject(GenaiDevbenchExport.STEP_FIELD), f, export.status());
        }
      }
    }
    Figure outside = byStep.get(StepIndex.OUTSIDE);
    if (outside != null && !outside.total().isZero()) {
      stepFigure(
          object(root, "usage_api_reconciliation").putObject("outside_steps"),
          outside,
          export.status());
    }
  }

  private static void stepFigure(ObjectNode node, Figure f, Verification status) {
    counts(node, f.total());
    node.put("basis", f.exactness().label());
    if (f.apportioned() && f.lowerBound() != null && f.upperBound() != null) {
      ObjectNode bounds = node.putObject("bounds");
      counts(bounds.putObject("lower"), f.lowerBound());
      counts(bounds.putObject("upper"), f.upperBound());
    } else {
      node.putNull("bounds");
    }
    node.put("verification_status", status.word());
  }

  /** genai-devbench's names for the four counters, as its older step records had them. */
  private static void counts(ObjectNode node, TokenCounts t) {
    node.put("tokens_in", t.input());
    node.put("tokens_out", t.output());
    node.put("cached_tokens", t.cachedInput());
    node.put("api_calls", t.requests());
  }

  static ObjectNode object(ObjectNode root, String name) {
    JsonNode node = root.get(name);
    return node instanceof ObjectNode o ? o : root.putObject(name);
  }

  /** An amount rounded to {@link #USD_SCALE} decimals. */
  private static BigDecimal usd(BigDecimal amount) {
    return amount.setScale(USD_SCALE, RoundingMode.HALF_UP);
  }

  /** Without trailing zeros but with at least one decimal, e.g. {@code 0.0}, as Python floats. */
  private static BigDecimal plain(BigDecimal amount) {
    BigDecimal v = amount.stripTrailingZeros();
    return v.scale() < 1 ? v.setScale(1) : v;
  }
}
