package dev.tokenledger.cli.run;

import dev.tokenledger.cli.shared.ReconciliationView;
import dev.tokenledger.figures.Basis;
import dev.tokenledger.ledger.MeteredFigures;
import dev.tokenledger.ledger.Metering;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.reconcile.Audit;
import dev.tokenledger.report.MeteredRun;
import dev.tokenledger.report.TextTable;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's metering as {@code run show} prints it (docs/metering.md): the sums of its metered
 * requests per run and step, its status ({@code metered} until audited), and the audit's verdict.
 */
final class MeteringView {
  private MeteringView() {}

  /** The {@code metering} member of {@code run show --format json}; null for an unmetered run. */
  static Map<String, Object> json(RunRecord run, Optional<MeteredRun> metered, String failure) {
    if (run.metering() == Metering.NONE) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    if (metered.isEmpty()) {
      m.put("state", "meter_failed");
      m.put("note", failure);
      return m;
    }
    MeteredRun r = metered.get();
    m.put("state", "metered");
    m.put("status", r.status().label());
    m.put("basis", Basis.METERED.label());
    m.put("flags", r.flags());
    m.put("run", part(r.figures().run()));
    List<Map<String, Object>> steps =
        r.figures().steps().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(
                e -> {
                  Map<String, Object> s = new LinkedHashMap<>();
                  s.put("index", e.getKey().value());
                  s.putAll(part(e.getValue()));
                  return s;
                })
            .toList();
    m.put("steps", steps);
    m.put(
        "audit",
        r.audit()
            .map(
                a -> {
                  Map<String, Object> x = new LinkedHashMap<>();
                  x.put("result", a.label());
                  x.put("usage_api", ReconciliationView.tokens(a.api()));
                  x.put("metered", ReconciliationView.tokens(a.metered()));
                  x.put("unmetered", ReconciliationView.tokens(a.unmetered()));
                  x.put("below_metered", ReconciliationView.tokens(a.deficit()));
                  return x;
                })
            .orElse(null));
    return m;
  }

  /** The metering section of {@code run show}'s table; nothing for an unmetered run. */
  static void table(RunRecord run, Optional<MeteredRun> metered, String failure, PrintWriter out) {
    if (run.metering() == Metering.NONE) {
      return;
    }
    out.println();
    if (metered.isEmpty()) {
      out.println(
          "Metering: meter failed"
              + (failure == null ? "" : " (" + failure + ")")
              + ": the figures come from the Usage API alone.");
      return;
    }
    MeteredRun r = metered.get();
    MeteredFigures.Part whole = r.figures().run();
    out.println(
        "Metering: "
            + r.status().label()
            + (r.flags().isEmpty() ? "" : " (" + String.join(", ", r.flags()) + ")")
            + " — the sums of "
            + whole.requests()
            + " metered request"
            + (whole.requests() == 1 ? "" : "s")
            + (whole.usageUnknown() > 0
                ? ", " + whole.usageUnknown() + " of unknown usage (not counted as zero)"
                : "")
            + (r.audit().isEmpty() ? "; not yet audited by the Usage API" : ""));
    TextTable table =
        TextTable.withHeaders("", "INPUT", "CACHED", "OUTPUT", "REQUESTS", "UNKNOWN", "BASIS");
    for (int i = 1; i <= 5; i++) {
      table.align(i, TextTable.Align.RIGHT);
    }
    table.row(row("run", whole));
    r.figures().steps().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                table.row(
                    row(
                        e.getKey().isOutside() ? "no step" : "step " + e.getKey().value(),
                        e.getValue())));
    table.render("  ").forEach(out::println);
    r.audit().ifPresent(a -> out.println("  Audit: " + verdict(a)));
  }

  private static String verdict(Audit a) {
    return switch (a.label()) {
      case Audit.AUDITED ->
          "audited — the Usage API filed the same in the run's minutes ("
              + ReconciliationView.number(a.api().total())
              + " tokens)";
      case Audit.UNMETERED ->
          "unmetered — the Usage API filed "
              + ReconciliationView.number(a.unmetered().input())
              + " input and "
              + ReconciliationView.number(a.unmetered().output())
              + " output tokens more in the run's minutes: the key was used around the meter;"
              + " the metered figures stand, the Usage API's ("
              + ReconciliationView.number(a.api().total())
              + " tokens) is the upper bound";
      default ->
          "the Usage API filed less than was metered ("
              + ReconciliationView.number(a.api().total())
              + " against "
              + ReconciliationView.number(a.metered().total())
              + " tokens): a warning once its reads settle";
    };
  }

  private static List<String> row(String what, MeteredFigures.Part p) {
    return List.of(
        what,
        ReconciliationView.number(p.counts().input()),
        ReconciliationView.number(p.counts().cachedInput()),
        ReconciliationView.number(p.counts().output()),
        ReconciliationView.number(p.counts().requests()),
        ReconciliationView.number(p.usageUnknown()),
        Basis.METERED.label());
  }

  private static Map<String, Object> part(MeteredFigures.Part p) {
    Map<String, Object> m = new LinkedHashMap<>(ReconciliationView.tokens(p.counts()));
    m.put("metered_requests", p.requests());
    m.put("usage_unknown_requests", p.usageUnknown());
    return m;
  }
}
