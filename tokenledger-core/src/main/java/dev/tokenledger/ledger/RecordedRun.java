package dev.tokenledger.ledger;

/**
 * What recording a finished run did: its id, whether the run was new, and how many of its steps
 * were added (0 when it was all there already).
 */
public record RecordedRun(String runId, boolean created, int stepsAdded) {}
