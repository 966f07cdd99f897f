package dev.tokenledger.bench;

import dev.tokenledger.config.PriceFiles;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.report.Report;
import dev.tokenledger.report.ReportBuilder;
import dev.tokenledger.report.ReportDimension;
import dev.tokenledger.report.ReportQuery;
import dev.tokenledger.report.ReportRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The real command a user runs once per process: {@code tokenledger report --by framework} on an
 * existing ledger (one {@link ReconcileScenario} made, run with {@code -Djava.io.tmpdir=DIR} so its
 * ledger stays), timed as a whole process, JVM start included. Several launchers (the same launcher
 * of two worktrees, say) take turns round by round, so a before/after comparison falls under the
 * same load. Exits 1 when a result is wrong (an exit code other than 0, an output that differs from
 * the first one, a framework's tokens not those the report gives in-process), never because it is
 * slow.
 *
 * <p>Arguments: {@code LEDGER.db [rounds, 7] [launcher, ./tokenledger]...}.
 */
public final class ReportScenario {
  private ReportScenario() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ReportScenario LEDGER.db [rounds] [launcher]...");
      System.exit(2);
    }
    Path ledgerFile = Path.of(args[0]).toAbsolutePath();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    List<Path> launchers = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      launchers.add(Path.of(args[i]).toAbsolutePath().normalize());
    }
    if (launchers.isEmpty()) {
      launchers.add(Path.of("tokenledger").toAbsolutePath());
    }
    List<String> expectedRows = frameworkRows(ledgerFile);
    Path dir = Files.createTempDirectory("tokenledger-report-");
    try {
      StartTimer timer = new StartTimer(dir, Map.of());
      String[] first = new String[1];
      StartTimer.Check check =
          o -> {
            StartTimer.expect(
                o.exitCode() == 0, "report exited " + o.exitCode() + ": " + o.err().strip());
            if (first[0] == null) {
              for (String row : expectedRows) {
                StartTimer.expect(
                    o.out().lines().anyMatch(l -> l.matches(row)),
                    "no line matches " + row + " in:\n" + o.out());
              }
              first[0] = o.out();
            }
            StartTimer.expect(o.out().equals(first[0]), "the output differs:\n" + o.out());
          };
      for (Path launcher : launchers) {
        List<String> command =
            List.of(
                launcher.toString(), "report", "--by", "framework", "--db", ledgerFile.toString());
        timer.once(List.of(launcher.toString(), "--version")); // builds and prepares if needed
        timer.add(launcher.toString(), command, check);
      }
      timer.run(rounds);
      timer.print(launchers.get(0).toString());
      System.out.println("first report of a JVM, goal < 1,000 ms wall (a quiet machine)");
    } catch (StartTimer.WrongResult e) {
      System.err.println("ReportScenario: wrong result: " + e.getMessage());
      System.exit(1);
    } finally {
      Files.deleteIfExists(dir);
    }
  }

  /** A pattern per framework: its table row, with the total tokens the report gives in-process. */
  private static List<String> frameworkRows(Path ledgerFile) {
    try (Ledger ledger = Ledger.builder(LedgerLocation.sqlite(ledgerFile)).open()) {
      Report report =
          new ReportBuilder(ledger, new CostCalculator(PriceFiles.defaultTable()))
              .build(ReportQuery.by(ReportDimension.FRAMEWORK));
      List<String> rows = new ArrayList<>();
      for (ReportRow row : report.rows()) {
        rows.add(
            row.key().get(0)
                + " .* "
                + String.format(Locale.ROOT, "%,d", row.tokens().total())
                + " .*");
      }
      if (rows.isEmpty()) {
        throw new IllegalStateException(ledgerFile + " holds no runs to report");
      }
      return rows;
    }
  }
}
