-- The tokenledger ledger, version 2: what `tokenledger reconcile` stores beyond version 1.
-- Same conventions as V1 (portable SQL, ${id_column}, instants as fixed-width UTC text).

-- When a person accepted the figures of a run in warning (reconcile --accept). It covers what the
-- reads up to that instant showed, not later changes.
ALTER TABLE runs ADD COLUMN accepted_at TEXT;

-- The query string a read sent (without page cursors) and the reconcile pass that made it.
ALTER TABLE usage_reads ADD COLUMN query TEXT;
ALTER TABLE usage_reads ADD COLUMN pass_id TEXT;

-- attributions rows are one per attempt, run or step, endpoint and line (model, tier, batch,
-- project); the run's or step's bounds are in reconcile_figures, so lower_*/upper_* stay null here.
ALTER TABLE attributions ADD COLUMN endpoint TEXT;
ALTER TABLE attributions ADD COLUMN project_id TEXT;

-- Who is reconciling a run right now. A reconciler claims a run by setting holder and expires_at in
-- one transaction (PostgreSQL: the row locked FOR UPDATE SKIP LOCKED; SQLite: an IMMEDIATE
-- transaction) and clears holder when its pass is stored. A claim whose process died (same host)
-- or whose expiry passed (any host) may be taken over.
CREATE TABLE reconcile_leases (
  run_id             TEXT PRIMARY KEY REFERENCES runs (id),
  holder             TEXT,
  host               TEXT,
  pid                BIGINT,
  process_started_at TEXT,
  expires_at         TEXT
);

-- The reads (every endpoint and window) an attempt's figures were computed from.
CREATE TABLE reconcile_attempt_reads (
  attempt_id BIGINT NOT NULL REFERENCES reconcile_attempts (id),
  read_id    BIGINT NOT NULL REFERENCES usage_reads (id),
  PRIMARY KEY (attempt_id, read_id)
);
CREATE INDEX reconcile_attempt_reads_by_read ON reconcile_attempt_reads (read_id);

-- The figures of one successful attempt: the run (step_index null), each step (its index), and the
-- run's usage in minutes no step reaches (step_index 0). Bounds: the minutes had alone, and those
-- plus the whole bucket of every shared minute.
CREATE TABLE reconcile_figures (
  id                        ${id_column},
  attempt_id                BIGINT NOT NULL REFERENCES reconcile_attempts (id),
  run_id                    TEXT NOT NULL REFERENCES runs (id),
  step_index                INTEGER,
  input_tokens              BIGINT NOT NULL,
  input_cached_tokens       BIGINT NOT NULL,
  output_tokens             BIGINT NOT NULL,
  num_model_requests        BIGINT NOT NULL,
  exactness                 TEXT NOT NULL CHECK (exactness IN ('exact', 'apportioned')),
  lower_input_tokens        BIGINT NOT NULL,
  lower_input_cached_tokens BIGINT NOT NULL,
  lower_output_tokens       BIGINT NOT NULL,
  lower_num_model_requests  BIGINT NOT NULL,
  upper_input_tokens        BIGINT NOT NULL,
  upper_input_cached_tokens BIGINT NOT NULL,
  upper_output_tokens       BIGINT NOT NULL,
  upper_num_model_requests  BIGINT NOT NULL,
  shared_minutes            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reconcile_figures_by_attempt ON reconcile_figures (attempt_id, step_index);

-- Every minute a run (step_index null) or step shared with other runs or steps of the same key in
-- one attempt: who else, the key's whole bucket of that minute, and the part given here.
CREATE TABLE shared_minutes (
  id                        ${id_column},
  attempt_id                BIGINT NOT NULL REFERENCES reconcile_attempts (id),
  run_id                    TEXT NOT NULL REFERENCES runs (id),
  step_index                INTEGER,
  endpoint                  TEXT NOT NULL,
  minute                    TEXT NOT NULL,
  other_run_ids             TEXT,
  other_step_indexes        TEXT,
  bucket_input_tokens        BIGINT NOT NULL,
  bucket_input_cached_tokens BIGINT NOT NULL,
  bucket_output_tokens       BIGINT NOT NULL,
  bucket_num_model_requests  BIGINT NOT NULL,
  share_input_tokens         BIGINT NOT NULL,
  share_input_cached_tokens  BIGINT NOT NULL,
  share_output_tokens        BIGINT NOT NULL,
  share_num_model_requests   BIGINT NOT NULL
);
CREATE INDEX shared_minutes_by_attempt ON shared_minutes (attempt_id, step_index);

CREATE INDEX reconcile_attempts_by_read ON reconcile_attempts (read_id);
CREATE INDEX runs_by_reconcile_status ON runs (reconcile_status);
