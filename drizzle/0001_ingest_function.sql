-- Ingest of one submission in one call: the submission row, its workload results, power readings
-- and traces. Idempotent on the submission id (returns false, writing nothing, when it exists).
-- A plpgsql function so that the plans are prepared once per connection and the whole write is one
-- round trip. Rows arrive as JSON whose keys are the column names.
-- When a column of these tables changes, a later migration must CREATE OR REPLACE this function.
CREATE OR REPLACE FUNCTION tokenwatt_ingest(p_sub jsonb, p_wr jsonb, p_pr jsonb, p_pt jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
BEGIN
  INSERT INTO submissions (id, schema_version, suite_version, token_id, device_id, model_id, engine_id, backend,
    runner_name, runner_version, runner_commit, options, device_snapshot, memory_bandwidth_gbps, started_at,
    finished_at, plausible, flags)
  SELECT s.id, s.schema_version, s.suite_version, s.token_id, s.device_id, s.model_id, s.engine_id, s.backend,
    s.runner_name, s.runner_version, s.runner_commit, s.options, s.device_snapshot, s.memory_bandwidth_gbps,
    s.started_at, s.finished_at, s.plausible, s.flags
  FROM jsonb_populate_record(NULL::submissions, p_sub) AS s
  ON CONFLICT (id) DO NOTHING
  RETURNING id INTO v_id;
  IF v_id IS NULL THEN
    RETURN false;
  END IF;

  WITH wr AS (
    INSERT INTO workload_results (submission_id, device_id, model_id, engine_id, backend, workload_id, n_prompt, n_gen,
      n_depth, status, error, samples_ns, samples_prompt_tokens, samples_gen_tokens, avg_ns, stddev_ns, avg_ts,
      stddev_ts, peak_rss_bytes, model_bytes, kv_bytes, vram_bytes, prefill_j_per_token, prefill_j_per_token_above_idle,
      decode_j_per_token, decode_j_per_token_above_idle, plausible)
    SELECT v_id, (p_sub->>'device_id')::int, (p_sub->>'model_id')::int, (p_sub->>'engine_id')::int, p_sub->>'backend',
      x.workload_id, x.n_prompt, x.n_gen, x.n_depth, x.status, x.error, x.samples_ns, x.samples_prompt_tokens,
      x.samples_gen_tokens, x.avg_ns, x.stddev_ns, x.avg_ts, x.stddev_ts, x.peak_rss_bytes, x.model_bytes, x.kv_bytes,
      x.vram_bytes, x.prefill_j_per_token, x.prefill_j_per_token_above_idle, x.decode_j_per_token,
      x.decode_j_per_token_above_idle, x.plausible
    FROM jsonb_populate_recordset(NULL::workload_results, p_wr) AS x
    RETURNING id, workload_id
  ), pr AS (
    INSERT INTO power_readings (submission_id, workload_result_id, kind, method, scope, sensor, duration_ns, energy_j,
      avg_power_w, idle_power_w)
    SELECT v_id, wr.id, x.kind, x.method, x.scope, x.sensor, x.duration_ns, x.energy_j, x.avg_power_w, x.idle_power_w
    FROM jsonb_to_recordset(p_pr) AS x(workload_id text, kind text, method text, scope text, sensor text,
      duration_ns bigint, energy_j float8, avg_power_w float8, idle_power_w float8)
    LEFT JOIN wr ON wr.workload_id = x.workload_id
    RETURNING 1
  )
  INSERT INTO power_traces (workload_result_id, sensor, scope, t_ms, power_w)
  SELECT wr.id, x.sensor, x.scope, x.t_ms, x.power_w
  FROM jsonb_to_recordset(p_pt) AS x(workload_id text, sensor text, scope text, t_ms real[], power_w real[])
  JOIN wr ON wr.workload_id = x.workload_id
  WHERE (SELECT count(*) FROM pr) >= 0;
  RETURN true;
END;
$$;
