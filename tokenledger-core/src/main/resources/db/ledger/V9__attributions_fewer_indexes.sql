-- The tokenledger ledger, version 9: two indexes of attributions that no query uses, dropped.
-- Same conventions as V1 (portable SQL, instants as fixed-width UTC text, counters BIGINT).

-- Attributions are read by their reconcile attempt (V8's index) and by nothing else: each reconcile
-- pass inserts tens of thousands of lines, and every index is one more B-tree insert per line.
-- Runs and reads are never deleted, so the foreign keys need no index on the child side either.
DROP INDEX attributions_by_run;
DROP INDEX attributions_by_read;
