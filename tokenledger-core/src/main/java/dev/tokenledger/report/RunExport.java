package dev.tokenledger.report;

import dev.tokenledger.figures.Figure;
import dev.tokenledger.report.GenaiDevbenchExport.Verification;
import java.util.List;

/**
 * What export writes for one run: the verification status, the message that says why, and the
 * figures if there are any.
 *
 * @param priced the figures, null when there are none to write
 * @param figures the run's and its steps' figures from the same read, empty without figures
 */
record RunExport(Verification status, String message, PricedRun priced, List<Figure> figures) {
  RunExport(Verification status, String message, PricedRun priced) {
    this(status, message, priced, List.of());
  }
}
