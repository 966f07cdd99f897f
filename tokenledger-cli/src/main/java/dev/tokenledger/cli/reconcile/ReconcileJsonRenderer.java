package dev.tokenledger.cli.reconcile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.cli.shared.JsonOutput;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.openai.ApiUnavailableException;
import dev.tokenledger.openai.BadResponseException;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.reconcile.Assessment;
import dev.tokenledger.reconcile.CountsDelta;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassStats;
import dev.tokenledger.reconcile.ReconcileWarning;
import dev.tokenledger.reconcile.RunOutcome;
import dev.tokenledger.reconcile.UnattributedUsage;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders the last pass of a reconcile as JSON (schema: docs/json/reconcile.schema.json). */
final class ReconcileJsonRenderer {
  static final String SCHEMA = "reconcile.schema.json";

  private ReconcileJsonRenderer() {}

  static void render(ReconcileView view, boolean withStats, PrintWriter out) {
    PassReport last = view.last();
    List<PassReport> passes = view.passes();
    ObjectNode root = JsonOutput.document(SCHEMA);
    root.put("pass_id", last.passId());
    root.put("at", last.at().toString());
    root.put("passes", passes.size());
    ArrayNode runs = root.putArray("runs");
    for (RunOutcome r : view.runs()) {
      run(runs.addObject(), r);
    }
    ArrayNode unattributed = root.putArray("unattributed");
    for (UnattributedUsage u : view.unattributed()) {
      ObjectNode node = unattributed.addObject();
      node.put("api_key_id", u.apiKeyId());
      tokens(node, u.counts());
      node.put("minutes", u.minutes());
      node.put("first_minute", u.firstMinute().toString());
      node.put("last_minute", u.lastMinute().toString());
    }
    ObjectNode summary = root.putObject("summary");
    summary.put("runs", view.runs().size());
    for (ReconcileStatus s : ReconcileStatus.values()) {
      summary.put(s.label(), view.count(s));
    }
    summary.put("settled", view.settled());
    if (withStats) {
      ArrayNode all = root.putArray("stats");
      for (PassReport p : passes) {
        stats(all.addObject(), p);
      }
    }
    OpenAiException e = last.apiError();
    if (e == null) {
      root.putNull("api_error");
    } else {
      ObjectNode error = root.putObject("api_error");
      error.put("kind", kind(e));
      error.put("message", e.getMessage());
      error.put("endpoint", e.endpoint());
      if (e.httpStatus().isPresent()) {
        error.put("http_status", e.httpStatus().getAsInt());
      } else {
        error.putNull("http_status");
      }
    }
    JsonOutput.print(root, out);
  }

  private static void run(ObjectNode node, RunOutcome r) {
    Assessment a = r.assessment();
    node.put("run_id", r.run().id());
    node.put("framework", r.run().framework());
    node.put("experiment", r.run().experiment());
    node.put("label", r.run().label());
    node.put("api_key_id", r.run().apiKeyId());
    node.put("started_at", r.run().startedAt().toString());
    node.put("ended_at", iso(r.run().effectiveEnd()));
    node.put("status", a.status().label());
    node.put("settled_status", a.settledStatus().label());
    node.put("read", r.read());
    node.put("busy", r.busy());
    if (a.figures() == null) {
      node.putNull("figures");
    } else {
      tokens(node.putObject("figures"), a.figures());
    }
    node.put("figures_read_at", iso(a.figuresReadAt()));
    delta(node.putObject("change"), a.change());
    node.put("identical_reads", a.identicalReads());
    node.put("basis", r.basis() == null ? null : r.basis().name().toLowerCase(Locale.ROOT));
    node.put("shared_minutes", r.sharedMinutes());
    ArrayNode with = node.putArray("shared_with");
    r.sharedWith().forEach(with::add);
    node.put("apportioned_steps", r.apportionedSteps());
    node.put("unattributed_on_key", r.unattributedOnKey());
    ReconcileWarning w = a.warning();
    if (w == null) {
      node.putNull("warning");
    } else {
      ObjectNode warning = node.putObject("warning");
      warning.put("kind", w.kind().name().toLowerCase(Locale.ROOT));
      warning.put("read_at", w.readAt().toString());
      delta(warning.putObject("delta"), w.delta());
    }
    node.put("error", a.lastError());
    node.put("note", r.note());
    if (r.audit() == null) {
      node.putNull("audit");
    } else {
      ObjectNode audit = node.putObject("audit");
      audit.put("result", r.audit().label());
      tokens(audit.putObject("metered_figures"), r.audit().run());
      tokens(audit.putObject("usage_api"), r.audit().api());
      tokens(audit.putObject("metered"), r.audit().metered());
      tokens(audit.putObject("unmetered"), r.audit().unmetered());
      tokens(audit.putObject("below_metered"), r.audit().deficit());
    }
  }

  private static void stats(ObjectNode node, PassReport p) {
    PassStats s = p.stats();
    node.put("pass_id", p.passId());
    node.put("at", p.at().toString());
    ObjectNode requests = node.putObject("requests_by_endpoint");
    s.requestsByEndpoint().forEach(requests::put);
    node.put("requests", s.requests());
    ArrayNode windows = node.putArray("windows");
    for (QueryWindow w : s.windows()) {
      ObjectNode window = windows.addObject();
      window.put("start", w.start().toString());
      window.put("end", w.end().toString());
      window.put("minutes", w.minutes());
      ArrayNode keys = window.putArray("api_key_ids");
      w.apiKeyIds().forEach(keys::add);
    }
    node.put("minutes_covered", s.minutesCovered());
    node.put("reads", s.reads());
    node.put("failed_reads", s.failedReads());
    node.put("runs_considered", s.runsConsidered());
    node.put("runs_claimed", s.runsClaimed());
    node.put("runs_read", s.runsRead());
  }

  private static void tokens(ObjectNode node, TokenCounts t) {
    node.put("input_tokens", t.input());
    node.put("cached_input_tokens", t.cachedInput());
    node.put("output_tokens", t.output());
    node.put("requests", t.requests());
  }

  private static void delta(ObjectNode node, CountsDelta d) {
    node.put("input_tokens", d.input());
    node.put("cached_input_tokens", d.cachedInput());
    node.put("output_tokens", d.output());
    node.put("requests", d.requests());
  }

  private static String kind(OpenAiException e) {
    if (e instanceof KeyRefusedException) {
      return "key_refused";
    }
    if (e instanceof ApiUnavailableException) {
      return "unavailable";
    }
    if (e instanceof BadResponseException) {
      return "bad_response";
    }
    return "request_rejected";
  }

  private static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
