-- The tokenledger ledger, version 4: exact metering (docs/metering.md). Same conventions as V1
-- (portable SQL, ${id_column}, instants as fixed-width UTC text, counters BIGINT).

-- Values that belong to this ledger alone. 'key_salt' is the random salt (hex) of the salted key
-- fingerprints (HMAC-SHA256), made the first time a fingerprint is needed: two ledgers never give
-- one key the same fingerprint.
CREATE TABLE ledger_settings (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- What a salted key fingerprint is known to be: the key's id once resolved (through the Projects
-- API, or from OPENAI_API_KEY_<FW>_ID), null until then.
CREATE TABLE key_fingerprints (
  fingerprint   TEXT PRIMARY KEY,
  api_key_id    TEXT,
  first_seen_at TEXT NOT NULL,
  resolved_at   TEXT
);

-- Every request that went through a metering proxy, and every locally counted model response
-- (a Java hook, an import: the former request_usage table, whose rows move here). The one source
-- of local counts: metered figures, the split of shared minutes and the audit all read it.
-- Counters are null unless usage_state is 'reported': a request without usage is never zero tokens.
-- record_id is unique per record, so a spill file replayed twice adds each record once.
CREATE TABLE metered_requests (
  id                  ${id_column},
  record_id           TEXT NOT NULL,
  source              TEXT NOT NULL,
  run_id              TEXT,
  step_index          INTEGER,
  key_fingerprint     TEXT,
  api_key_id          TEXT,
  method              TEXT NOT NULL,
  path                TEXT NOT NULL,
  endpoint            TEXT,
  model               TEXT,
  started_at          TEXT,
  finished_at         TEXT NOT NULL,
  http_status         INTEGER,
  request_id          TEXT,
  streamed            INTEGER NOT NULL DEFAULT 0,
  usage_state         TEXT NOT NULL
    CHECK (usage_state IN ('reported', 'none', 'interrupted', 'unknown')),
  input_tokens        BIGINT,
  input_cached_tokens BIGINT,
  output_tokens       BIGINT,
  reasoning_tokens    BIGINT,
  input_audio_tokens  BIGINT,
  output_audio_tokens BIGINT,
  num_model_requests  BIGINT,
  note                TEXT,
  recorded_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX metered_requests_by_record ON metered_requests (record_id);
CREATE INDEX metered_requests_by_run ON metered_requests (run_id, step_index);
CREATE INDEX metered_requests_by_key ON metered_requests (api_key_id, finished_at);
CREATE INDEX metered_requests_by_fingerprint ON metered_requests (key_fingerprint);

INSERT INTO metered_requests (record_id, source, run_id, step_index, api_key_id, method, path,
  endpoint, model, started_at, finished_at, streamed, usage_state, input_tokens,
  input_cached_tokens, output_tokens, num_model_requests, recorded_at)
SELECT 'request_usage:' || source || ':' || COALESCE(external_id, CAST(id AS TEXT)), source,
  run_id, step_index, api_key_id, 'POST', COALESCE(endpoint, ''), endpoint, model, requested_at,
  completed_at, 0, 'reported', input_tokens, input_cached_tokens, output_tokens,
  num_model_requests, recorded_at
FROM request_usage;
DROP TABLE request_usage;

-- How a run was metered: null (not metered: figures from the Usage API alone), 'metered' (its
-- figures are its metered requests, audited by reconcile) or 'meter_failed' (the meter broke:
-- back to the Usage API alone); metering_note says why it failed.
ALTER TABLE runs ADD COLUMN metering TEXT;
ALTER TABLE runs ADD COLUMN metering_note TEXT;

-- The audit of a metered run by one attempt: 'audited' (the Usage API agrees), 'unmetered' (it
-- shows more), 'api_below' (it shows less); the metered counters of the minutes audited, beside
-- the attempt's own counters (what the Usage API filed in those minutes).
ALTER TABLE reconcile_attempts ADD COLUMN audit TEXT;
ALTER TABLE reconcile_attempts ADD COLUMN metered_input_tokens BIGINT;
ALTER TABLE reconcile_attempts ADD COLUMN metered_input_cached_tokens BIGINT;
ALTER TABLE reconcile_attempts ADD COLUMN metered_output_tokens BIGINT;
ALTER TABLE reconcile_attempts ADD COLUMN metered_num_model_requests BIGINT;
