package dev.tokenledger.cli.doctor;

import dev.tokenledger.doctor.CheckStatus;
import dev.tokenledger.doctor.DoctorCheck;
import dev.tokenledger.doctor.DoctorReport;
import java.io.PrintWriter;

/**
 * Renders a doctor report for people: one line per check ({@code ✔} ok, {@code !} warning, {@code
 * ✖} failure, {@code -} skipped), the details and the fix indented under a warning or failure, then
 * the summary.
 */
final class DoctorTableRenderer {
  private static final String INDENT = "    ";

  private DoctorTableRenderer() {}

  static void render(DoctorReport report, PrintWriter out) {
    for (DoctorCheck check : report.checks()) {
      if (check.id().equals(DoctorCheck.SUMMARY)) {
        continue;
      }
      out.println(mark(check.status()) + " " + check.title() + ": " + check.summary());
      if (check.status() == CheckStatus.WARN || check.status() == CheckStatus.FAIL) {
        check.details().forEach(d -> out.println(INDENT + d));
        check.fix().forEach(f -> out.println(INDENT + "→ " + f));
      }
    }
    out.println();
    DoctorCheck summary = report.summary();
    if (summary.blocks()) {
      out.println("✖ Not ready: " + summary.summary() + ":");
      summary.details().forEach(d -> out.println(INDENT + "- " + d));
    } else {
      out.println("✔ " + capitalized(summary.summary()) + ".");
    }
  }

  private static String mark(CheckStatus status) {
    return switch (status) {
      case OK -> "✔";
      case WARN -> "!";
      case FAIL -> "✖";
      case SKIPPED -> "-";
    };
  }

  private static String capitalized(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
