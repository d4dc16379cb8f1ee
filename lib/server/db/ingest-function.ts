/**
 * The `tokenwatt_ingest` plpgsql function, from this one source: `migrate()` re-applies it (CREATE
 * OR REPLACE) at every open, after drizzle-kit's migrations, so its column lists follow the schema
 * of the running code (drizzle/0001 holds its first version; migrations never change it again).
 * tests/unit/ingest-function.test.ts checks that every column of these tables is either written
 * here or filled by the database (ids, defaults), and that the rows ingest.ts builds carry them.
 *
 * One submission in one call, one round trip, plans prepared once per connection: the submission
 * row, its workload results, power readings and traces. Idempotent on the submission id (returns
 * false, writing nothing, when it exists). Rows arrive as JSON whose keys are the column names.
 */

/** Columns the database fills itself (serial ids, defaults); everything else is written by the function. */
export const DB_FILLED_COLUMNS = ["id", "received_at", "created_at", "published"] as const;

export const SUBMISSION_COLUMNS = [
  "id", "schema_version", "suite_version", "token_id", "device_id", "model_id", "engine_id", "backend", "runner_name", "runner_version",
  "runner_commit", "options", "device_snapshot", "memory_bandwidth_gbps", "started_at", "finished_at", "plausible", "flags",
] as const;

/** Workload result columns that come from the submission row (p_sub) rather than from each result. */
export const WORKLOAD_FROM_SUBMISSION = ["submission_id", "device_id", "model_id", "engine_id", "backend"] as const;

export const WORKLOAD_COLUMNS = [
  "workload_id", "n_prompt", "n_gen", "n_depth", "status", "error", "samples_ns", "samples_prompt_tokens", "samples_gen_tokens",
  "avg_ns", "stddev_ns", "avg_ts", "stddev_ts", "peak_rss_bytes", "model_bytes", "kv_bytes", "vram_bytes", "prefill_j_per_token",
  "prefill_j_per_token_above_idle", "decode_j_per_token", "decode_j_per_token_above_idle", "plausible",
  "samples_energy_j", "j_per_token", "j_per_token_above_idle", "energy_scope", "energy_tier", "energy_sensors", "j_per_token_range",
  "roofline_efficiency", "roofline_bytes_per_token", "baseline_rss_bytes", "kv_used_bytes", "other_bytes",
  "n_batch", "samples_first_token_ns",
] as const;

export const POWER_READING_COLUMNS = ["submission_id", "workload_result_id", "kind", "method", "scope", "sensor", "duration_ns", "energy_j", "avg_power_w", "idle_power_w", "tier", "flags", "range_j"] as const;
export const POWER_TRACE_COLUMNS = ["workload_result_id", "sensor", "scope", "t_ms", "power_w"] as const;

const list = (cols: readonly string[], prefix = "") => cols.map((c) => prefix + c).join(", ");

export const INGEST_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION tokenwatt_ingest(p_sub jsonb, p_wr jsonb, p_pr jsonb, p_pt jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
BEGIN
  INSERT INTO submissions (${list(SUBMISSION_COLUMNS)})
  SELECT ${list(SUBMISSION_COLUMNS, "s.")}
  FROM jsonb_populate_record(NULL::submissions, p_sub) AS s
  ON CONFLICT (id) DO NOTHING
  RETURNING id INTO v_id;
  IF v_id IS NULL THEN
    RETURN false;
  END IF;

  -- Data-modifying CTEs run to completion whether or not the main query reads them: pr writes the
  -- power readings; the main statement writes the traces.
  WITH wr AS (
    INSERT INTO workload_results (${list([...WORKLOAD_FROM_SUBMISSION, ...WORKLOAD_COLUMNS])})
    SELECT v_id, (p_sub->>'device_id')::int, (p_sub->>'model_id')::int, (p_sub->>'engine_id')::int, p_sub->>'backend',
      ${list(WORKLOAD_COLUMNS, "x.")}
    FROM jsonb_populate_recordset(NULL::workload_results, p_wr) AS x
    RETURNING id, workload_id
  ), pr AS (
    INSERT INTO power_readings (${list(POWER_READING_COLUMNS)})
    SELECT v_id, wr.id, ${list(POWER_READING_COLUMNS.slice(2), "x.")}
    FROM jsonb_to_recordset(p_pr) AS x(workload_id text, kind text, method text, scope text, sensor text,
      duration_ns bigint, energy_j float8, avg_power_w float8, idle_power_w float8, tier text, flags text[], range_j float8[])
    LEFT JOIN wr ON wr.workload_id = x.workload_id
  )
  INSERT INTO power_traces (${list(POWER_TRACE_COLUMNS)})
  SELECT wr.id, ${list(POWER_TRACE_COLUMNS.slice(1), "x.")}
  FROM jsonb_to_recordset(p_pt) AS x(workload_id text, sensor text, scope text, t_ms real[], power_w real[])
  JOIN wr ON wr.workload_id = x.workload_id;
  RETURN true;
END;
$$;
`;
