-- The tokenledger ledger, version 6. Same conventions as V1.

-- cost_estimates (V1) was never written: reports price attributions when they are read, with the
-- price table recorded in price_tables, so a stored estimate would only go stale.
DROP INDEX cost_estimates_by_run;
DROP TABLE cost_estimates;
