package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.ledger.MeteredFigures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A metered run's figures in the shape of reconciled ones: the run (its metered sum, bounded above
 * by what the Usage API showed beyond it), each step, and the requests tagged with no step (step
 * 0), exact by construction. What reconcile stores for a metered run and what reports read before
 * its first audit.
 */
public final class MeteredRunFigures {
  private MeteredRunFigures() {}

  /** The figures of {@code m}, the run's upper bound raised by {@code unmetered}. */
  public static List<Figure> of(MeteredFigures m, TokenCounts unmetered) {
    List<Figure> out = new ArrayList<>();
    TokenCounts run = m.run().counts();
    out.add(new Figure(null, run, Exactness.EXACT, run, run.plus(unmetered), 0));
    m.steps()
        .forEach(
            (index, part) ->
                out.add(
                    new Figure(
                        index, part.counts(), Exactness.EXACT, part.counts(), part.counts(), 0)));
    out.sort(Comparator.comparing((Figure f) -> f.step() == null ? -1 : f.step().value()));
    return out;
  }
}
