-- The tokenledger ledger, version 1. One script for SQLite and PostgreSQL: portable SQL only.
-- ${id_column} is the one vendor difference: an auto-generated 64-bit primary key.
-- Conventions: instants are UTC ISO-8601 text of fixed width (2025-10-27T10:00:00.000000Z), so text
-- order is time order in both databases; money is exact decimal text (BigDecimal.toPlainString);
-- booleans are 0/1 integers; token counters are BIGINT. Later versions add columns, never rewrite.

-- One execution of one framework. Status is what the writer last stored: 'recording' until ended;
-- a reader shows a recording run whose writer is gone as interrupted (see Ledger).
CREATE TABLE runs (
  id                 TEXT PRIMARY KEY,
  experiment         TEXT,
  framework          TEXT NOT NULL,
  label              TEXT,
  api_key_id         TEXT,
  key_fingerprint    TEXT,
  project_id         TEXT,
  model_hint         TEXT,
  started_at         TEXT NOT NULL,
  ended_at           TEXT,
  last_seen_at       TEXT NOT NULL,
  heartbeat_at       TEXT,
  exit_code          INTEGER,
  status             TEXT NOT NULL CHECK (status IN ('recording', 'ended', 'interrupted')),
  host               TEXT,
  pid                BIGINT,
  process_started_at TEXT,
  source             TEXT NOT NULL,
  external_id        TEXT,
  source_path        TEXT,
  reconcile_status   TEXT NOT NULL DEFAULT 'pending',
  created_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX runs_by_external_id ON runs (source, external_id);
CREATE INDEX runs_by_start ON runs (started_at);
CREATE INDEX runs_by_key_id ON runs (api_key_id, started_at);
CREATE INDEX runs_by_key_fingerprint ON runs (key_fingerprint, started_at);
CREATE INDEX runs_by_experiment ON runs (experiment, framework);

-- The ordered steps of a run; step_index starts at 1.
CREATE TABLE steps (
  id                 ${id_column},
  run_id             TEXT NOT NULL REFERENCES runs (id),
  step_index         INTEGER NOT NULL,
  name               TEXT,
  started_at         TEXT NOT NULL,
  ended_at           TEXT,
  last_seen_at       TEXT NOT NULL,
  heartbeat_at       TEXT,
  exit_code          INTEGER,
  status             TEXT NOT NULL CHECK (status IN ('recording', 'ended', 'interrupted')),
  host               TEXT,
  pid                BIGINT,
  process_started_at TEXT,
  UNIQUE (run_id, step_index)
);

-- One fetch of one usage or costs endpoint over one window (all of its pages). Never overwritten:
-- every reconcile stores its own reads.
CREATE TABLE usage_reads (
  id            ${id_column},
  endpoint      TEXT NOT NULL,
  bucket_width  TEXT NOT NULL,
  window_start  TEXT NOT NULL,
  window_end    TEXT NOT NULL,
  group_by      TEXT,
  api_key_ids   TEXT,
  project_ids   TEXT,
  fetched_at    TEXT NOT NULL,
  http_requests INTEGER NOT NULL DEFAULT 0,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  error         TEXT
);
CREATE INDEX usage_reads_by_window ON usage_reads (endpoint, window_start);

-- The result rows of a usage read, exactly as returned (one row per bucket and grouping).
CREATE TABLE usage_buckets (
  id                  ${id_column},
  read_id             BIGINT NOT NULL REFERENCES usage_reads (id),
  bucket_start        TEXT NOT NULL,
  bucket_end          TEXT NOT NULL,
  api_key_id          TEXT,
  project_id          TEXT,
  model               TEXT,
  service_tier        TEXT,
  batch               INTEGER,
  user_id             TEXT,
  input_tokens        BIGINT NOT NULL DEFAULT 0,
  input_cached_tokens BIGINT NOT NULL DEFAULT 0,
  output_tokens       BIGINT NOT NULL DEFAULT 0,
  num_model_requests  BIGINT NOT NULL DEFAULT 0,
  input_audio_tokens  BIGINT NOT NULL DEFAULT 0,
  output_audio_tokens BIGINT NOT NULL DEFAULT 0,
  raw_json            TEXT
);
CREATE INDEX usage_buckets_by_read ON usage_buckets (read_id);
CREATE INDEX usage_buckets_by_key ON usage_buckets (api_key_id, bucket_start);

-- One settle attempt of one run: the figures it read (null when it failed), its status and error.
CREATE TABLE reconcile_attempts (
  id                  ${id_column},
  run_id              TEXT NOT NULL REFERENCES runs (id),
  attempted_at        TEXT NOT NULL,
  read_id             BIGINT REFERENCES usage_reads (id),
  input_tokens        BIGINT,
  input_cached_tokens BIGINT,
  output_tokens       BIGINT,
  num_model_requests  BIGINT,
  status              TEXT NOT NULL,
  error               TEXT,
  delta_input_tokens        BIGINT,
  delta_input_cached_tokens BIGINT,
  delta_output_tokens       BIGINT,
  delta_num_model_requests  BIGINT,
  stable_reads        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reconcile_attempts_by_run ON reconcile_attempts (run_id, attempted_at);

-- What a read attributed to a run (step_index null) or to one of its steps, per model and tier.
CREATE TABLE attributions (
  id                  ${id_column},
  read_id             BIGINT NOT NULL REFERENCES usage_reads (id),
  reconcile_attempt_id BIGINT REFERENCES reconcile_attempts (id),
  run_id              TEXT NOT NULL REFERENCES runs (id),
  step_index          INTEGER,
  model               TEXT,
  service_tier        TEXT,
  batch               INTEGER,
  input_tokens        BIGINT NOT NULL DEFAULT 0,
  input_cached_tokens BIGINT NOT NULL DEFAULT 0,
  output_tokens       BIGINT NOT NULL DEFAULT 0,
  num_model_requests  BIGINT NOT NULL DEFAULT 0,
  exactness           TEXT NOT NULL CHECK (exactness IN ('exact', 'apportioned')),
  lower_input_tokens        BIGINT,
  lower_input_cached_tokens BIGINT,
  lower_output_tokens       BIGINT,
  lower_num_model_requests  BIGINT,
  upper_input_tokens        BIGINT,
  upper_input_cached_tokens BIGINT,
  upper_output_tokens       BIGINT,
  upper_num_model_requests  BIGINT,
  shared_minutes      INTEGER NOT NULL DEFAULT 0,
  shared_tokens       BIGINT NOT NULL DEFAULT 0,
  computed_at         TEXT NOT NULL
);
CREATE INDEX attributions_by_run ON attributions (run_id, step_index);
CREATE INDEX attributions_by_read ON attributions (read_id);

-- Usage of a framework key in minutes that no recorded run of that key covers.
CREATE TABLE unattributed_usage (
  id                  ${id_column},
  read_id             BIGINT NOT NULL REFERENCES usage_reads (id),
  api_key_id          TEXT,
  project_id          TEXT,
  model               TEXT,
  service_tier        TEXT,
  batch               INTEGER,
  bucket_start        TEXT NOT NULL,
  bucket_end          TEXT NOT NULL,
  input_tokens        BIGINT NOT NULL DEFAULT 0,
  input_cached_tokens BIGINT NOT NULL DEFAULT 0,
  output_tokens       BIGINT NOT NULL DEFAULT 0,
  num_model_requests  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX unattributed_usage_by_key ON unattributed_usage (api_key_id, bucket_start);

-- Exact local counts of single model responses (a metering proxy, a Java hook, an import).
CREATE TABLE request_usage (
  id                  ${id_column},
  run_id              TEXT REFERENCES runs (id),
  step_index          INTEGER,
  api_key_id          TEXT,
  endpoint            TEXT,
  model               TEXT,
  requested_at        TEXT,
  completed_at        TEXT NOT NULL,
  input_tokens        BIGINT NOT NULL DEFAULT 0,
  input_cached_tokens BIGINT NOT NULL DEFAULT 0,
  output_tokens       BIGINT NOT NULL DEFAULT 0,
  num_model_requests  BIGINT NOT NULL DEFAULT 1,
  source              TEXT NOT NULL,
  external_id         TEXT,
  recorded_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX request_usage_by_external_id ON request_usage (source, external_id);
CREATE INDEX request_usage_by_run ON request_usage (run_id, step_index);

-- A price table as loaded: the version is the SHA-256 of its content.
CREATE TABLE price_tables (
  version       TEXT PRIMARY KEY,
  source        TEXT NOT NULL,
  source_commit TEXT,
  models        INTEGER,
  loaded_at     TEXT NOT NULL
);

-- Billed dollars from the Costs API, one row per bucket and grouping of a read.
CREATE TABLE cost_rows (
  id           ${id_column},
  read_id      BIGINT NOT NULL REFERENCES usage_reads (id),
  bucket_start TEXT NOT NULL,
  bucket_end   TEXT NOT NULL,
  api_key_id   TEXT,
  project_id   TEXT,
  line_item    TEXT,
  amount       TEXT NOT NULL,
  currency     TEXT NOT NULL,
  raw_json     TEXT
);
CREATE INDEX cost_rows_by_bucket ON cost_rows (bucket_start, api_key_id);

-- Estimated dollars of an attribution or of local counts, with the price table that produced them.
CREATE TABLE cost_estimates (
  id             ${id_column},
  attribution_id BIGINT REFERENCES attributions (id),
  run_id         TEXT REFERENCES runs (id),
  step_index     INTEGER,
  model          TEXT,
  source         TEXT NOT NULL CHECK (source IN ('usage-x-price', 'local-x-price')),
  price_version  TEXT REFERENCES price_tables (version),
  amount         TEXT,
  unpriced       INTEGER NOT NULL DEFAULT 0,
  flags          TEXT,
  computed_at    TEXT NOT NULL
);
CREATE INDEX cost_estimates_by_run ON cost_estimates (run_id, step_index);
