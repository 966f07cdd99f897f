-- The tokenledger ledger, version 5: when a final run is read once more (reconcile), to catch
-- usage the Usage API reported later than min-age allowed for. Same conventions as V1.

-- Set when a run becomes final (the later of 2 x the largest reporting delay seen after its end
-- and 1 h after it became final); cleared by the read taken at or after it. Null: nothing due.
ALTER TABLE runs ADD COLUMN recheck_at TEXT;
