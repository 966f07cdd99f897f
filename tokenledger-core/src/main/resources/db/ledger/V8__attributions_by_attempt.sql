-- The tokenledger ledger, version 8: attributions indexed by their reconcile attempt.
-- Same conventions as V1 (portable SQL, instants as fixed-width UTC text, counters BIGINT).

-- Reports read the lines of each run's accepted attempt (attributions by reconcile_attempt_id);
-- without this index every such read scanned the whole table: a report over n runs took n scans.
CREATE INDEX attributions_by_attempt ON attributions (reconcile_attempt_id, step_index);
