package dev.tokenledger.ledger;

/**
 * What recording a finished run (an import) did, not a shape of the run itself: its id, whether the
 * run was new, how many of its steps were added (0 when it was all there already), and whether a
 * run recorded earlier without a key id got the one given now.
 */
public record ImportOutcome(String runId, boolean created, int stepsAdded, boolean keyIdAdded) {}
