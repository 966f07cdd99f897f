-- The tokenledger ledger, version 7: usage outside every step is stored as lines of its own.
-- Same conventions as V1 (portable SQL, instants as fixed-width UTC text, counters BIGINT).

-- From this version on, reconcile stores a run's usage in minutes no step reaches as attributions
-- rows with step_index 0 (beside the run's, step_index null, and each step's), so reports read it
-- as stored. Attempts stored before carry only the figure (reconcile_figures, step_index 0); their
-- lines are the run's lines less its steps', per endpoint and line, floored at zero: what reports
-- computed from them until now.
INSERT INTO attributions (read_id, reconcile_attempt_id, run_id, step_index, model, service_tier,
  batch, input_tokens, input_cached_tokens, output_tokens, num_model_requests, exactness,
  shared_minutes, shared_tokens, computed_at, endpoint, project_id)
SELECT read_id, reconcile_attempt_id, run_id, 0, model, service_tier, batch, input_left,
  CASE WHEN cached_left > input_left THEN input_left ELSE cached_left END, output_left,
  requests_left, exactness, 0, 0, computed_at, endpoint, project_id
FROM (
  SELECT r.read_id, r.reconcile_attempt_id, r.run_id, r.model, r.service_tier, r.batch,
    r.exactness, r.computed_at, r.endpoint, r.project_id,
    CASE WHEN r.input_tokens > COALESCE(s.input_tokens, 0)
      THEN r.input_tokens - COALESCE(s.input_tokens, 0) ELSE 0 END AS input_left,
    CASE WHEN r.input_cached_tokens > COALESCE(s.input_cached_tokens, 0)
      THEN r.input_cached_tokens - COALESCE(s.input_cached_tokens, 0) ELSE 0 END AS cached_left,
    CASE WHEN r.output_tokens > COALESCE(s.output_tokens, 0)
      THEN r.output_tokens - COALESCE(s.output_tokens, 0) ELSE 0 END AS output_left,
    CASE WHEN r.num_model_requests > COALESCE(s.num_model_requests, 0)
      THEN r.num_model_requests - COALESCE(s.num_model_requests, 0) ELSE 0 END AS requests_left
  FROM attributions r
  LEFT JOIN (
    SELECT reconcile_attempt_id, endpoint, model, service_tier, batch, project_id,
      SUM(input_tokens) AS input_tokens, SUM(input_cached_tokens) AS input_cached_tokens,
      SUM(output_tokens) AS output_tokens, SUM(num_model_requests) AS num_model_requests
    FROM attributions
    WHERE step_index > 0
    GROUP BY reconcile_attempt_id, endpoint, model, service_tier, batch, project_id
  ) s
    ON s.reconcile_attempt_id = r.reconcile_attempt_id
    AND COALESCE(s.endpoint, '') = COALESCE(r.endpoint, '')
    AND COALESCE(s.model, '') = COALESCE(r.model, '')
    AND COALESCE(s.service_tier, '') = COALESCE(r.service_tier, '')
    AND COALESCE(s.batch, -1) = COALESCE(r.batch, -1)
    AND COALESCE(s.project_id, '') = COALESCE(r.project_id, '')
  WHERE r.step_index IS NULL
    AND r.reconcile_attempt_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM reconcile_figures f
                WHERE f.attempt_id = r.reconcile_attempt_id AND f.step_index = 0)
    AND NOT EXISTS (SELECT 1 FROM attributions o
                    WHERE o.reconcile_attempt_id = r.reconcile_attempt_id AND o.step_index = 0)
) d
WHERE input_left > 0 OR output_left > 0 OR requests_left > 0;
