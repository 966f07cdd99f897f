package dev.tokenledger.cli.reconcile;

import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.RunOutcome;
import dev.tokenledger.reconcile.UnattributedUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a reconcile command shows after one or more passes: every run any pass looked at, as the
 * latest pass left it (a run that became final drops out of later passes but not out of the
 * output), the latest unattributed usage of each key, and the last pass.
 */
record ReconcileView(
    List<RunOutcome> runs, List<UnattributedUsage> unattributed, List<PassReport> passes) {

  static ReconcileView of(List<PassReport> passes) {
    Map<String, RunOutcome> runs = new LinkedHashMap<>();
    Map<String, UnattributedUsage> unattributed = new TreeMap<>();
    for (PassReport p : passes) {
      p.runs().forEach(r -> runs.put(r.run().id(), r));
      p.unattributed().forEach(u -> unattributed.put(u.apiKeyId(), u));
    }
    List<RunOutcome> ordered = new ArrayList<>(runs.values());
    ordered.sort(
        Comparator.comparing((RunOutcome o) -> o.run().startedAt())
            .thenComparing(o -> o.run().id()));
    return new ReconcileView(ordered, List.copyOf(unattributed.values()), List.copyOf(passes));
  }

  /**
   * The same view with {@code standing} (runs as the ledger holds them now) in place of the
   * outcomes of those runs: what another reconciler did since our pass looked at them shows.
   */
  ReconcileView withStanding(List<RunOutcome> standing) {
    Map<String, RunOutcome> byId = new LinkedHashMap<>();
    runs.forEach(r -> byId.put(r.run().id(), r));
    standing.forEach(r -> byId.replace(r.run().id(), r));
    return new ReconcileView(List.copyOf(byId.values()), unattributed, passes);
  }

  /** The runs the last pass did not read: what the view shows of them may be out of date. */
  List<String> notReadLast() {
    Set<String> readLast = new HashSet<>();
    last().runs().stream().filter(RunOutcome::read).forEach(r -> readLast.add(r.run().id()));
    return runs.stream().map(r -> r.run().id()).filter(id -> !readLast.contains(id)).toList();
  }

  PassReport last() {
    return passes.get(passes.size() - 1);
  }

  long count(ReconcileStatus status) {
    return runs.stream().filter(r -> r.status() == status).count();
  }

  boolean hasWarnings() {
    return count(ReconcileStatus.WARNING) > 0;
  }

  /** Every run is final or in warning, and none was held by another reconciler. */
  boolean settled() {
    return runs.stream().allMatch(RunOutcome::settled);
  }
}
