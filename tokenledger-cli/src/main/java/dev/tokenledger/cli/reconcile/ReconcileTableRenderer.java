package dev.tokenledger.cli.reconcile;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Basis;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.reconcile.Audit;
import dev.tokenledger.reconcile.CountsDelta;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassStats;
import dev.tokenledger.reconcile.RunOutcome;
import dev.tokenledger.reconcile.UnattributedUsage;
import dev.tokenledger.report.TextTable;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a reconcile as a table: one line per run, a summary line, unattributed usage, and with
 * {@code --stats} what each pass cost; in {@code --watch} a progress line per pass on stderr.
 */
final class ReconcileTableRenderer {
  private ReconcileTableRenderer() {}

  /**
   * The table, its summary and unattributed usage on {@code out} (data); why runs failed or were
   * not read, and with {@code --stats} what each pass cost, on {@code err}.
   */
  static void render(ReconcileView view, boolean withStats, PrintWriter out, PrintWriter err) {
    List<PassReport> passes = view.passes();
    TextTable table =
        TextTable.withHeaders(
                "RUN",
                "FRAMEWORK",
                "STATUS",
                "INPUT",
                "CACHED",
                "OUTPUT",
                "REQUESTS",
                "CHANGE",
                "FLAGS")
            .alignRight(3, 4, 5, 6, 7);
    for (RunOutcome r : view.runs()) {
      // a metered run's figures are its own metered requests; the Usage API's are its audit
      TokenCounts f = r.audit() != null ? r.audit().run() : r.figures();
      boolean none = r.assessment().figures() == null;
      table.row(
          List.of(
              r.run().id(),
              r.run().framework(),
              r.status().label(),
              none ? "-" : number(f.input()),
              none ? "-" : number(f.cachedInput()),
              none ? "-" : number(f.output()),
              none ? "-" : number(f.requests()),
              r.read() && !none ? change(r.assessment().change()) : "-",
              flags(r)));
    }
    if (!view.runs().isEmpty()) {
      table.render("").forEach(out::println);
    }
    out.println(summary(view));
    if (!view.unattributed().isEmpty()) {
      out.println("Unattributed usage (a framework key used outside every recorded run):");
      for (UnattributedUsage u : view.unattributed()) {
        out.printf(
            "  %s  input %s (cached %s), output %s, requests %s in %d minute%s %s..%s%n",
            u.apiKeyId(),
            number(u.counts().input()),
            number(u.counts().cachedInput()),
            number(u.counts().output()),
            number(u.counts().requests()),
            u.minutes(),
            u.minutes() == 1 ? "" : "s",
            u.firstMinute(),
            u.lastMinute().plusSeconds(60));
      }
    }
    for (RunOutcome r : view.runs()) {
      if (r.assessment().lastError() != null) {
        err.println("  " + r.run().id() + ": " + briefCall(r.assessment().lastError()));
      } else if (r.note() != null) {
        err.println("  " + r.run().id() + ": " + r.note());
      }
    }
    if (withStats) {
      for (int i = 0; i < passes.size(); i++) {
        err.println(stats(i + 1, passes.get(i)));
      }
    }
  }

  private static final Pattern CALL = Pattern.compile("(https?://\\S+?)\\?(\\S*?)(:?)(?=\\s|$)");

  /**
   * {@code message} with each URL's query (hundreds of URL-encoded characters) replaced by the
   * window it asked for: {@code …/usage/completions 2025-10-27T10:00:00Z..2025-10-27T11:00:00Z}.
   * {@code run show} keeps the whole query.
   */
  static String briefCall(String message) {
    Matcher m = CALL.matcher(message);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String window = window(m.group(2));
      m.appendReplacement(
          sb,
          Matcher.quoteReplacement(
              m.group(1) + (window.isEmpty() ? "" : " " + window) + m.group(3)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String window(String query) {
    String start = null;
    String end = null;
    for (String pair : query.split("&")) {
      if (pair.startsWith("start_time=")) {
        start = pair.substring("start_time=".length());
      } else if (pair.startsWith("end_time=")) {
        end = pair.substring("end_time=".length());
      }
    }
    try {
      return start == null
          ? ""
          : Instant.ofEpochSecond(Long.parseLong(start))
              + ".."
              + (end == null ? "" : Instant.ofEpochSecond(Long.parseLong(end)).toString());
    } catch (NumberFormatException | DateTimeException e) {
      return "";
    }
  }

  /** One line per pass of {@code --watch}, on stderr. */
  static void passLine(int number, PassReport p, PrintWriter err) {
    err.println(
        "reconcile: pass "
            + number
            + " at "
            + p.at()
            + ": "
            + counts(p.runs())
            + busy(p.runs())
            + "; "
            + p.stats().requests()
            + " usage request"
            + (p.stats().requests() == 1 ? "" : "s"));
  }

  private static String summary(ReconcileView view) {
    PassReport p = view.last();
    int passes = view.passes().size();
    StringBuilder s = new StringBuilder();
    s.append(view.runs().size()).append(view.runs().size() == 1 ? " run" : " runs");
    if (!view.runs().isEmpty()) {
      s.append(": ").append(counts(view.runs())).append(busy(view.runs()));
    }
    s.append(" · ")
        .append(p.stats().requests())
        .append(" usage request")
        .append(p.stats().requests() == 1 ? "" : "s")
        .append(" in this pass");
    if (passes > 1) {
      s.append(" (").append(passes).append(" passes)");
    }
    if (!view.unattributed().isEmpty()) {
      s.append(" · unattributed usage on ")
          .append(view.unattributed().size())
          .append(view.unattributed().size() == 1 ? " key" : " keys");
    }
    if (view.runs().isEmpty()) {
      s.append(" · nothing to reconcile");
    }
    return s.toString();
  }

  private static String busy(List<RunOutcome> runs) {
    long n = runs.stream().filter(RunOutcome::busy).count();
    return n == 0 ? "" : " (" + n + " busy: held by another reconciler)";
  }

  private static String counts(List<RunOutcome> runs) {
    List<String> parts = new ArrayList<>();
    for (ReconcileStatus status : ReconcileStatus.values()) {
      long n = runs.stream().filter(r -> r.status() == status).count();
      if (n > 0) {
        parts.add(n + " " + status.label());
      }
    }
    return parts.isEmpty() ? "no runs" : String.join(", ", parts);
  }

  private static String stats(int number, PassReport p) {
    PassStats s = p.stats();
    List<String> perEndpoint = new ArrayList<>();
    s.requestsByEndpoint().forEach((e, n) -> perEndpoint.add(e + " " + n));
    return "Stats, pass "
        + number
        + " at "
        + p.at()
        + ": usage requests "
        + String.join(", ", perEndpoint)
        + "; "
        + s.windows().size()
        + " window"
        + (s.windows().size() == 1 ? "" : "s")
        + ", "
        + s.minutesCovered()
        + " minutes covered; runs: "
        + s.runsConsidered()
        + " considered, "
        + s.runsClaimed()
        + " held, "
        + s.runsRead()
        + " read";
  }

  private static String flags(RunOutcome r) {
    List<String> flags = new ArrayList<>();
    if (r.busy()) {
      flags.add("busy");
    }
    if (r.shared()) {
      flags.add("shared " + r.sharedMinutes() + " min with " + String.join(",", r.sharedWith()));
    }
    if (r.basis() == Basis.APPORTIONED && !r.shared()) {
      flags.add("apportioned");
    }
    if (r.apportionedSteps() > 0) {
      flags.add(r.apportionedSteps() + " steps apportioned");
    }
    if (r.audit() != null) {
      flags.add(meterFlag(r));
    }
    if (r.unattributedOnKey()) {
      flags.add("unattributed on key");
    }
    if (r.assessment().warning() != null) {
      CountsDelta d = r.assessment().warning().delta();
      flags.add(
          r.assessment().warning().kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
              + " "
              + signed(d.input() + d.output()));
    }
    if (r.assessment().lastError() != null) {
      flags.add("error (figures kept)");
    }
    if (r.note() != null && !r.busy()) {
      flags.add("not read");
    }
    return flags.isEmpty() ? "" : String.join("; ", flags);
  }

  /** {@code metered, audited}, {@code metered, unmetered +N} or {@code metered, API below −N}. */
  private static String meterFlag(RunOutcome r) {
    Audit a = r.audit();
    return switch (a.label()) {
      case Audit.AUDITED ->
          r.status() == ReconcileStatus.FINAL ? "metered, audited" : "metered, audit settling";
      case Audit.UNMETERED ->
          "metered, unmetered " + signed(a.unmetered().input() + a.unmetered().output());
      default -> "metered, API below " + signed(-(a.deficit().input() + a.deficit().output()));
    };
  }

  private static String change(CountsDelta d) {
    return signed(d.input() + d.output());
  }

  private static String signed(long n) {
    return n > 0 ? "+" + number(n) : number(n);
  }

  private static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
