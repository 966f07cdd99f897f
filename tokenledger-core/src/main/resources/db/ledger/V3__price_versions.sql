-- The tokenledger ledger, version 3: price tables kept whole, so that an old report can be priced
-- again by naming its price version. Same conventions as V1.

-- The OpenAI entries of the table as tokenledger used them (LiteLLM field names, prices as exact
-- decimals), and when the table last priced a figure (loaded_at stays the first time).
ALTER TABLE price_tables ADD COLUMN content TEXT;
ALTER TABLE price_tables ADD COLUMN last_used_at TEXT;
