package dev.tokenledger.recording;

import java.util.List;

/**
 * What an import did: runs added, runs found already recorded, steps added, key ids given to runs
 * recorded earlier without one, and every run it could not take with the reason (a broken file, no
 * usable timestamps).
 *
 * @param runIds the ledger ids of every run imported or already present, in the order read
 * @param runsNotImported runs found in the records but not imported (a file that cannot be read, a
 *     name or path that leaves the tree, no usable window): each is one of {@code problems}
 */
public record ImportReport(
    int runsAdded,
    int runsAlreadyPresent,
    int stepsAdded,
    int keyIdsAdded,
    List<String> runIds,
    int runsNotImported,
    List<String> problems) {

  public ImportReport {
    runIds = List.copyOf(runIds);
    problems = List.copyOf(problems);
  }
}
