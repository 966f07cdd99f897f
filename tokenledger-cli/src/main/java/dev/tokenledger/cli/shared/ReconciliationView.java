package dev.tokenledger.cli.shared;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Basis;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.Attempt;
import dev.tokenledger.ledger.ProvenanceStore.Reconciliation;
import dev.tokenledger.ledger.ProvenanceStore.StoredRead;
import dev.tokenledger.report.TextTable;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's reconciled figures as {@code run show} prints them: the run's and each step's figures
 * with their status and bounds, and their provenance (the reads they came from, when, and the
 * minutes shared with other runs or steps).
 */
public final class ReconciliationView {
  private ReconciliationView() {}

  /** The {@code reconciliation} member of {@code run show --format json}; null if never read. */
  public static Map<String, Object> json(Reconciliation r, boolean metered) {
    if (r.attempts().isEmpty()) {
      return null;
    }
    Attempt latest = r.latest();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", latest.status().label());
    m.put("attempts", r.attempts().size());
    m.put("last_attempt_at", iso(latest.attemptedAt()));
    m.put("last_error", latest.error());
    m.put("accepted_at", iso(r.acceptedAt()));
    m.put("figures_read_at", r.figuresFrom() == null ? null : iso(r.figuresFrom().attemptedAt()));
    Map<String, Object> run = null;
    Map<String, Object> unstepped = null;
    List<Map<String, Object>> steps = new ArrayList<>();
    for (Figure f : r.figures()) {
      if (f.isRun()) {
        run = figure(f, metered);
      } else if (f.step().isOutside()) {
        unstepped = figure(f, metered);
      } else {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("index", f.step().value());
        step.putAll(figure(f, metered));
        steps.add(step);
      }
    }
    m.put("run", run);
    m.put("steps", steps);
    m.put("unstepped", unstepped);
    List<Map<String, Object>> reads = new ArrayList<>();
    for (StoredRead read : r.reads()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("id", read.id());
      x.put("endpoint", read.endpoint());
      x.put("window_start", iso(read.windowStart()));
      x.put("window_end", iso(read.windowEnd()));
      x.put("fetched_at", iso(read.fetchedAt()));
      x.put("http_requests", read.httpRequests());
      reads.add(x);
    }
    m.put("reads", reads);
    List<Map<String, Object>> shared = new ArrayList<>();
    for (SharedMinute s : r.sharedMinutes()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("step", s.step() == null ? null : s.step().value());
      x.put("endpoint", s.endpoint().wireName());
      x.put("minute", iso(s.minute()));
      x.put("other_runs", s.otherRunIds());
      x.put("other_steps", s.otherSteps().stream().map(StepIndex::value).toList());
      x.put("bucket", tokens(s.bucket()));
      x.put("share", tokens(s.share()));
      shared.add(x);
    }
    m.put("shared_minutes", shared);
    return m;
  }

  /** The reconciliation section of {@code run show}'s table. */
  public static void table(Reconciliation r, boolean metered, PrintWriter out) {
    out.println();
    if (r.attempts().isEmpty()) {
      out.println("Reconciliation: not read yet ('tokenledger reconcile' reads it).");
      return;
    }
    Attempt latest = r.latest();
    out.println(
        "Reconciliation: "
            + latest.status().label()
            + " ("
            + r.attempts().size()
            + (r.attempts().size() == 1 ? " read" : " reads")
            + ", the last at "
            + latest.attemptedAt()
            + (r.acceptedAt() == null ? "" : "; accepted at " + r.acceptedAt())
            + ")");
    if (latest.error() != null) {
      out.println("  The last read failed: " + latest.error());
    }
    if (r.figuresFrom() == null) {
      out.println("  No read has succeeded yet.");
      return;
    }
    out.println("  Figures from the read of " + r.figuresFrom().attemptedAt() + ":");
    TextTable table =
        TextTable.withHeaders(
                "", "INPUT", "CACHED", "OUTPUT", "REQUESTS", "BASIS", "INPUT BOUNDS", "SHARED MIN")
            .alignRight(1, 2, 3, 4, 6, 7);
    for (Figure f : r.figures()) {
      String what = f.isRun() ? "run" : f.step().isOutside() ? "no step" : "step " + f.step();
      table.row(
          List.of(
              what,
              number(f.total().input()),
              number(f.total().cachedInput()),
              number(f.total().output()),
              number(f.total().requests()),
              basis(f, metered),
              number(f.lowerBound().input()) + ".." + number(f.upperBound().input()),
              String.valueOf(f.sharedMinutes())));
    }
    table.render("  ").forEach(out::println);
    out.println("  Reads:");
    for (StoredRead read : r.reads()) {
      out.printf(
          "    #%d %s %s..%s, fetched %s (%d HTTP request%s)%n",
          read.id(),
          read.endpoint(),
          read.windowStart(),
          read.windowEnd(),
          read.fetchedAt(),
          read.httpRequests(),
          read.httpRequests() == 1 ? "" : "s");
    }
    if (!r.sharedMinutes().isEmpty()) {
      out.println("  Shared minutes:");
      for (SharedMinute s : r.sharedMinutes()) {
        List<String> with = new ArrayList<>();
        if (!s.otherRunIds().isEmpty()) {
          with.add("runs " + String.join(", ", s.otherRunIds()));
        }
        if (!s.otherSteps().isEmpty()) {
          with.add(
              "steps "
                  + String.join(", ", s.otherSteps().stream().map(StepIndex::toString).toList()));
        }
        out.printf(
            "    %s %s (%s) with %s: %s of %s input tokens%n",
            s.minute(),
            s.step() == null ? "run" : "step " + s.step(),
            s.endpoint().wireName(),
            String.join(" and ", with),
            number(s.share().input()),
            number(s.bucket().input()));
      }
    }
  }

  private static String basis(Figure f, boolean metered) {
    return (metered ? Basis.METERED : f.exactness().basis()).label();
  }

  private static Map<String, Object> figure(Figure f, boolean metered) {
    Map<String, Object> m = new LinkedHashMap<>(tokens(f.total()));
    m.put("basis", basis(f, metered));
    m.put("lower_bound", tokens(f.lowerBound()));
    m.put("upper_bound", tokens(f.upperBound()));
    m.put("shared_minutes", f.sharedMinutes());
    return m;
  }

  /** The four counters as every JSON output spells them. */
  public static Map<String, Object> tokens(TokenCounts t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input_tokens", t.input());
    m.put("cached_input_tokens", t.cachedInput());
    m.put("output_tokens", t.output());
    m.put("requests", t.requests());
    return m;
  }

  /** A count with thousands separators, as every table shows it. */
  public static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String iso(Instant t) {
    return t == null ? null : t.toString();
  }
}
