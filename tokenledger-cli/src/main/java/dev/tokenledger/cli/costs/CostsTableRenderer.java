package dev.tokenledger.cli.costs;

import dev.tokenledger.costs.CostCause;
import dev.tokenledger.costs.CostsComparison;
import dev.tokenledger.costs.KeyDayCost;
import dev.tokenledger.costs.service.Provenance;
import dev.tokenledger.pricing.CostStatus;
import dev.tokenledger.pricing.Money;
import dev.tokenledger.report.TextTable;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders billed against estimated dollars as a table, then the flagged rows' likely causes. */
final class CostsTableRenderer {
  private CostsTableRenderer() {}

  static void render(
      CostsComparison c, Map<String, String> names, Provenance provenance, PrintWriter out) {
    long days = Duration.between(c.start(), c.end()).toDays();
    out.println(
        "Billed (Costs API) and estimated (Usage API tokens × price table) USD, "
            + LocalDate.ofInstant(c.start(), ZoneOffset.UTC)
            + " to "
            + LocalDate.ofInstant(c.end(), ZoneOffset.UTC).minusDays(1)
            + " ("
            + days
            + (days == 1 ? " day" : " days")
            + ", UTC):");
    if (c.rows().isEmpty()) {
      out.println("  Nothing billed and no token usage in these days.");
      footer(c, provenance, out);
      return;
    }
    TextTable t =
        TextTable.withHeaders("DAY", "KEY", "BILLED", "ESTIMATED", "DIFFERENCE", "RATIO", "");
    for (int i = 2; i <= 5; i++) {
      t.align(i, TextTable.Align.RIGHT);
    }
    for (KeyDayCost r : c.rows()) {
      t.row(cells(CostsLabels.day(r), CostsLabels.key(r, names), r));
    }
    t.row(cells("TOTAL", "", c.total()));
    t.render("  ").forEach(out::println);
    footer(c, provenance, out);
    for (KeyDayCost r : c.rows()) {
      if (!r.flagged()) {
        continue;
      }
      out.println();
      out.println(
          "⚠ "
              + CostsLabels.day(r)
              + " "
              + CostsLabels.key(r, names)
              + ": "
              + verdict(r)
              + (r.causes().isEmpty() ? "; no cause visible in the data." : "; likely causes:"));
      for (CostCause cause : r.causes()) {
        out.println("    - " + cause.message());
      }
    }
  }

  private static void footer(CostsComparison c, Provenance provenance, PrintWriter out) {
    out.println(
        "Flagged (⚠) when the estimate and the bill differ by more than "
            + percent(c.request().tolerance())
            + ". Prices: "
            + c.priceTableVersion());
    if (provenance.ledger() == null) {
      return;
    }
    List<String> reads = new ArrayList<>();
    for (Provenance.Read r : provenance.reads()) {
      reads.add(
          r.id()
              + " ("
              + r.read().spec().endpoint()
              + (provenance.offline() ? ", fetched " + r.read().fetchedAt() : "")
              + ")");
    }
    out.println(
        (provenance.offline() ? "Shown from the reads " : "Reads stored as ")
            + String.join(", ", reads)
            + " in the ledger "
            + provenance.ledger()
            + (provenance.offline() ? "; nothing was fetched." : "."));
  }

  private static List<String> cells(String day, String key, KeyDayCost r) {
    List<String> cells = new ArrayList<>();
    cells.add(day);
    cells.add(key);
    cells.add(money(r.billed()));
    cells.add(estimated(r));
    cells.add(r.difference().map(CostsTableRenderer::signedMoney).orElse("-"));
    cells.add(r.ratio().map(CostsTableRenderer::signedPercent).orElse("-"));
    cells.add(r.flagged() ? "⚠" : "");
    return cells;
  }

  private static String estimated(KeyDayCost r) {
    CostStatus status = r.estimated().status();
    if (status == CostStatus.UNPRICED) {
      return "UNPRICED";
    }
    String amount = money(r.estimated().total().orElseThrow());
    return status == CostStatus.PARTIAL ? amount + " (partial)" : amount;
  }

  private static String verdict(KeyDayCost r) {
    if (r.difference().isEmpty()) {
      return "billed " + money(r.billed()) + " but nothing could be estimated (UNPRICED)";
    }
    if (r.ratio().isEmpty()) {
      return "estimated " + money(r.estimated().total().orElseThrow()) + " but nothing billed";
    }
    BigDecimal ratio = r.ratio().get();
    return "the estimate is "
        + percent(ratio.abs())
        + (ratio.signum() >= 0 ? " above" : " below")
        + " the bill ("
        + signedMoney(r.difference().get())
        + ")";
  }

  static String money(BigDecimal amount) {
    return "$" + Money.forTable(amount).toPlainString();
  }

  private static String signedMoney(BigDecimal amount) {
    BigDecimal rounded = Money.forTable(amount);
    return (rounded.signum() < 0 ? "-$" : "+$") + rounded.abs().toPlainString();
  }

  /** {@code 0.02} as {@code 2%}, {@code 0.333} as {@code 33.3%}. */
  static String percent(BigDecimal fraction) {
    BigDecimal p = fraction.movePointRight(2).round(MathContext.DECIMAL64);
    p = p.setScale(Math.min(1, Math.max(0, p.stripTrailingZeros().scale())), RoundingMode.HALF_UP);
    return p.toPlainString() + "%";
  }

  private static String signedPercent(BigDecimal fraction) {
    BigDecimal p = fraction.movePointRight(2).setScale(1, RoundingMode.HALF_UP);
    return (p.signum() < 0 ? "" : "+") + p.toPlainString() + "%";
  }
}
