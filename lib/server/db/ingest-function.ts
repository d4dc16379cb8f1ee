/**
 * The `tokenwatt_ingest` plpgsql function, from this one source: `migrate()` re-applies it (CREATE
 * OR REPLACE) at every open, after drizzle-kit's migrations, so its column lists follow the schema
 * of the running code (drizzle/0001 holds its first version; a migration only drops it where its
 * signature or return type changes, as 0030 and 0036 did). tests/unit/ingest-function.test.ts checks that
 * every column of these tables is either written here or filled by the database (ids, defaults),
 * and that the rows ingest.ts builds carry them.
 *
 * One submission in one call, one round trip (a prepared statement, lib/server/db/prepared.ts),
 * plans prepared once per connection: the submission row, its workload results, and its power
 * readings and traces as one submission_power row. Rows arrive as JSON whose keys are the column
 * names; the workload rows as `json`, the rest as `jsonb`: the workload rows are most of the bytes,
 * nearly all numbers, which jsonb parses into numerics that the row then reads back through text
 * (json hands each number's text to its column's type once: a batch of 8 took 0.8-0.95 ms less to
 * parse and read, and the server's ingest 12% more submissions/s, docs/scale.md "eighth round").
 * Returns `{created: false}`, writing nothing, when the submission id exists (idempotent); else
 * `{created: true}`, with the output check's verdict and the flags as stored where the run
 * has a fingerprint (`outputStatus`, `flags`), so the caller needs no second round trip.
 */

import { FINGERPRINT_MIN_AGREEING_PREFIX, NEAR_TIE_MARGIN_NATS } from "../../core/measure/fingerprint";

/** Columns the database fills itself (serial ids, defaults); everything else is written by the function. */
export const DB_FILLED_COLUMNS = ["id", "received_at", "created_at", "published"] as const;

export const SUBMISSION_COLUMNS = [
  "id", "schema_version", "suite_version", "token_id", "device_id", "model_id", "engine_id", "backend", "runner_name", "runner_version",
  "runner_commit", "options", "device_snapshot", "memory_bandwidth_gbps", "started_at", "finished_at", "plausible", "flags",
  "webgpu", "fingerprint_version", "fingerprint_prompt_tokens", "fingerprint_tokens", "fingerprint_hash", "fingerprint_role", "fingerprint_top_k", "source", "review_status",
  "model_weights_read_per_token_bytes", "model_kv_bytes_per_token",
] as const;

/** Submission columns tokenwatt_check_output fills: the run's output against the native CPU reference. */
export const OUTPUT_CHECK_COLUMNS = ["output_status", "output_reference", "output_agreement", "output_first_diff", "output_tie"] as const;

/** Submission columns only an admin writes, after ingest (lib/server/store/output-explanation.ts). */
export const ADMIN_WRITTEN_COLUMNS = ["output_explanation", "review_reason", "reviewed_at", "reviewed_by"] as const;

/** Workload result columns that come from the submission row (p_sub) rather than from each result. */
export const WORKLOAD_FROM_SUBMISSION = ["submission_id", "device_id", "model_id", "engine_id", "backend"] as const;

export const WORKLOAD_COLUMNS = [
  "workload_id", "n_prompt", "n_gen", "n_depth", "status", "error", "samples_ns", "samples_prompt_tokens", "samples_gen_tokens",
  "avg_ns", "stddev_ns", "avg_ts", "stddev_ts", "peak_rss_bytes", "model_bytes", "kv_bytes", "vram_bytes", "prefill_j_per_token",
  "prefill_j_per_token_above_idle", "decode_j_per_token", "decode_j_per_token_above_idle", "plausible",
  "samples_energy_j", "j_per_token", "j_per_token_above_idle", "energy_scope", "energy_tier", "energy_sensors", "j_per_token_range",
  "roofline_efficiency", "roofline_bytes_per_token", "baseline_rss_bytes", "kv_used_bytes", "other_bytes",
  "n_batch", "samples_first_token_ns", "median_ns", "p25_ns", "p75_ns", "median_ts", "p25_ts", "p75_ts", "median_first_token_ns",
  "thermal_start", "start_cpu_c", "load", "phase_energy", "sustained", "peak_ts", "steady_ts", "throttle_ratio", "time_to_throttle_s",
] as const;

export const SUBMISSION_POWER_COLUMNS = ["submission_id", "readings", "traces"] as const;

const list = (cols: readonly string[], prefix = "") => cols.map((c) => prefix + c).join(", ");

/**
 * Compares a run's fingerprint with the reference of its file (the first trusted llama.cpp CPU run
 * of the same model row and fingerprint version, or, without one, the earliest of the untrusted
 * "peer" CPU runs once OUTPUT_CONSENSUS_DEVICES devices agree on their tokens) and stores the verdict (lib/core/measure/fingerprint.ts
 * names them). "differs" also flags the run and takes it off the ranking (plausible false). A
 * reference arriving after other runs of its file checks the ones waiting ("unchecked"). Runs of
 * one file are checked one at a time (an advisory lock per model), so a run and its reference
 * arriving together cannot miss each other.
 *
 * An early first disagreement is judged by the runs' scores there where they sent any
 * (fingerprint_top_k): a near-tie "diverges" instead of "differs". This is judgeDivergence and
 * outputStatus of lib/core/measure/fingerprint.ts in SQL (tests/integration/output-check.test.ts
 * checks the two agree); output_tie stores the judgement as TieJudgement.
 */
const OUTPUT_LOCK_CLASS = 7151;
/** Independent devices (untrusted native CPU runs with the same tokens) that make a reference without a trusted one. */
export const OUTPUT_CONSENSUS_DEVICES = 3;
const CHECK_OUTPUT_SQL = `
-- One run's view of a disagreement (TieGap): nats p_other lies below p_own in one position's top
-- candidates; "outside" when either is not among them; JSON null when the run sent no scores.
CREATE OR REPLACE FUNCTION tokenwatt_tie_gap(p_entry jsonb, p_own int, p_other int) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_entry IS NULL OR jsonb_typeof(p_entry) <> 'object' THEN 'null'::jsonb
    WHEN own.lp IS NULL OR other.lp IS NULL THEN '"outside"'::jsonb
    ELSE to_jsonb(own.lp - other.lp) END
  FROM (SELECT (SELECT (p_entry->'logprobs'->>(x.i::int - 1))::float8 FROM jsonb_array_elements_text(p_entry->'ids') WITH ORDINALITY AS x(id, i)
          WHERE x.id::int = p_own LIMIT 1) AS lp) own,
       (SELECT (SELECT (p_entry->'logprobs'->>(x.i::int - 1))::float8 FROM jsonb_array_elements_text(p_entry->'ids') WITH ORDINALITY AS x(id, i)
          WHERE x.id::int = p_other LIMIT 1) AS lp) other
$$;

CREATE OR REPLACE FUNCTION tokenwatt_check_output(p_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  s record;
  r record;
  v_same int;
  v_first int;
  v_n int;
  v_agree real;
  v_status text;
  v_peer uuid;
  v_cgap jsonb;
  v_rgap jsonb;
  v_tie jsonb;
BEGIN
  SELECT id, model_id, fingerprint_version, fingerprint_tokens, fingerprint_role, fingerprint_hash, fingerprint_top_k INTO s FROM submissions WHERE id = p_id;
  IF s.id IS NULL OR s.fingerprint_tokens IS NULL THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(${OUTPUT_LOCK_CLASS}, s.model_id);
  SELECT id, fingerprint_tokens, fingerprint_top_k INTO r FROM submissions
  WHERE model_id = s.model_id AND fingerprint_version = s.fingerprint_version AND output_status = 'reference' AND id <> s.id
  ORDER BY received_at, id LIMIT 1;
  IF r.id IS NULL THEN
    -- No trusted reference: untrusted native CPU runs ("peer") make one only when enough independent
    -- devices give the same tokens; the earliest of them is the reference.
    IF s.fingerprint_role = 'peer' AND (SELECT count(DISTINCT z.device_id) FROM submissions z
        WHERE z.model_id = s.model_id AND z.fingerprint_version = s.fingerprint_version AND z.fingerprint_role = 'peer'
          AND z.fingerprint_hash = s.fingerprint_hash) >= ${OUTPUT_CONSENSUS_DEVICES} THEN
      SELECT z.id INTO v_peer FROM submissions z
      WHERE z.model_id = s.model_id AND z.fingerprint_version = s.fingerprint_version AND z.fingerprint_role = 'peer' AND z.fingerprint_hash = s.fingerprint_hash
      ORDER BY z.received_at, z.id LIMIT 1;
    END IF;
    IF s.fingerprint_role = 'reference' OR v_peer IS NOT NULL THEN
      UPDATE submissions SET output_status = 'reference', output_reference = NULL, output_agreement = 1, output_first_diff = NULL, output_tie = NULL WHERE id = coalesce(v_peer, s.id);
      PERFORM tokenwatt_check_output(x.id) FROM submissions x
      WHERE x.model_id = s.model_id AND x.fingerprint_version = s.fingerprint_version AND x.id <> coalesce(v_peer, s.id)
        AND x.fingerprint_tokens IS NOT NULL AND (x.output_status = 'unchecked' OR x.output_status IS NULL);
    ELSE
      UPDATE submissions SET output_status = 'unchecked' WHERE id = s.id;
    END IF;
    RETURN;
  END IF;
  v_n := greatest(cardinality(s.fingerprint_tokens), cardinality(r.fingerprint_tokens));
  SELECT count(*) FILTER (WHERE t.a = t.b), min(t.i) FILTER (WHERE t.a IS DISTINCT FROM t.b) - 1 INTO v_same, v_first
  FROM unnest(s.fingerprint_tokens, r.fingerprint_tokens) WITH ORDINALITY AS t(a, b, i);
  v_agree := v_same::real / greatest(v_n, 1);
  -- Both runs scored position v_first after the same tokens: a near-tie when every run that sent scores
  -- ranks the other's token within the margin of its own.
  IF v_first IS NOT NULL THEN
    v_cgap := tokenwatt_tie_gap(s.fingerprint_top_k -> v_first, s.fingerprint_tokens[v_first + 1], r.fingerprint_tokens[v_first + 1]);
    v_rgap := tokenwatt_tie_gap(r.fingerprint_top_k -> v_first, r.fingerprint_tokens[v_first + 1], s.fingerprint_tokens[v_first + 1]);
    IF v_cgap <> 'null'::jsonb OR v_rgap <> 'null'::jsonb THEN
      v_tie := jsonb_build_object('candidateGapNats', v_cgap, 'referenceGapNats', v_rgap, 'marginNats', ${NEAR_TIE_MARGIN_NATS}::float8,
        'nearTie', (v_cgap = 'null'::jsonb OR (jsonb_typeof(v_cgap) = 'number' AND (v_cgap #>> '{}')::float8 <= ${NEAR_TIE_MARGIN_NATS}))
               AND (v_rgap = 'null'::jsonb OR (jsonb_typeof(v_rgap) = 'number' AND (v_rgap #>> '{}')::float8 <= ${NEAR_TIE_MARGIN_NATS})));
    END IF;
  END IF;
  v_status := CASE WHEN v_first IS NULL THEN 'match'
    WHEN v_first >= ${FINGERPRINT_MIN_AGREEING_PREFIX} OR coalesce((v_tie->>'nearTie')::boolean, false) THEN 'diverges' ELSE 'differs' END;
  UPDATE submissions SET output_status = v_status, output_reference = r.id, output_agreement = v_agree, output_first_diff = v_first, output_tie = v_tie,
    plausible = CASE WHEN v_status = 'differs' THEN false ELSE plausible END,
    flags = CASE WHEN v_status = 'differs' THEN flags || jsonb_build_array(jsonb_build_object('workloadId', NULL, 'code', 'output_differs',
      'message', format('output differs: leaves the native CPU reference at token %s (%s%% of tokens agree)%s; kept off the ranking until explained', v_first, round(v_agree * 100),
        CASE WHEN v_tie IS NULL THEN '' ELSE format(', not a near-tie by the runs'' scores (margin %s nats)', ${NEAR_TIE_MARGIN_NATS}) END))) ELSE flags END
  WHERE id = s.id;
  IF v_status = 'differs' THEN
    UPDATE workload_results SET plausible = false WHERE submission_id = s.id;
  END IF;
END;
$$;
`;

export const INGEST_FUNCTION_SQL = CHECK_OUTPUT_SQL + `
CREATE OR REPLACE FUNCTION tokenwatt_ingest(p_sub jsonb, p_wr json, p_readings jsonb, p_traces jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
  v_out record;
BEGIN
  INSERT INTO submissions (${list(SUBMISSION_COLUMNS)})
  SELECT ${list(SUBMISSION_COLUMNS, "s.")}
  FROM jsonb_populate_record(NULL::submissions, p_sub) AS s
  ON CONFLICT (id) DO NOTHING
  RETURNING id INTO v_id;
  IF v_id IS NULL THEN
    RETURN '{"created": false}'::jsonb;
  END IF;

  INSERT INTO workload_results (${list([...WORKLOAD_FROM_SUBMISSION, ...WORKLOAD_COLUMNS])})
  SELECT v_id, (p_sub->>'device_id')::int, (p_sub->>'model_id')::int, (p_sub->>'engine_id')::int, p_sub->>'backend',
    ${list(WORKLOAD_COLUMNS, "x.")}
  FROM json_populate_recordset(NULL::workload_results, p_wr) AS x;
  IF jsonb_array_length(p_readings) > 0 OR jsonb_array_length(p_traces) > 0 THEN
    INSERT INTO submission_power (${list(SUBMISSION_POWER_COLUMNS)}) VALUES (v_id, p_readings, p_traces);
  END IF;
  -- The output check (a run with a fingerprint only): its verdict may flag the run.
  IF p_sub->>'fingerprint_tokens' IS NULL THEN
    RETURN '{"created": true}'::jsonb;
  END IF;
  PERFORM tokenwatt_check_output(v_id);
  SELECT output_status, flags INTO v_out FROM submissions WHERE id = v_id;
  RETURN jsonb_build_object('created', true, 'outputStatus', v_out.output_status, 'flags', v_out.flags);
END;
$$;

-- Several submissions in one statement and one transaction (group commit, lib/server/store/ingest-batch.ts):
-- p is a JSON array of [submission, readings, traces, number of workload rows], p_wr the workload rows
-- of each (a json array of arrays, in the same order); the answer, one per element in the
-- same order, as tokenwatt_ingest gives it. An error rolls back all of them (the caller then sends each
-- alone). Set-based: one INSERT per table for the whole batch (a statement's set-up, its partition
-- routing and its indexes opened once, not once per submission: docs/scale.md, "sixth round"). The
-- first element of a repeated id is the one stored; an id already stored writes nothing. The output
-- checks then run in the batch's order (the caller's: by model, then id), each run once: a reference
-- checks the runs of its file waiting for one, batch members included, so those are not checked
-- again. A run with a fingerprint is answered with its verdict as the batch commits it. tokenwatt_ingest
-- keeps its own INSERTs: through this path a single call ran about 30% slower (docs/scale.md);
-- tests/integration/ingest-batch.test.ts checks that both store the same rows.
CREATE OR REPLACE FUNCTION tokenwatt_ingest_many(p jsonb, p_wr json) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_ords int[];
  v_out jsonb[] := '{}';
  v_row record;
  v_rows bigint;
  v_expected bigint;
  e record;
BEGIN
  WITH el AS (
    SELECT value AS v, ord::int AS ord FROM jsonb_array_elements(p) WITH ORDINALITY AS x(value, ord)
  ), firsts AS (
    -- By the id as a uuid, not as text: one id written in upper and in lower case is one submission.
    SELECT DISTINCT ON ((v->0->>'id')::uuid) v, ord FROM el ORDER BY (v->0->>'id')::uuid, ord
  ), ins AS (
    INSERT INTO submissions (${list(SUBMISSION_COLUMNS)})
    SELECT ${list(SUBMISSION_COLUMNS, "s.")}
    FROM firsts f CROSS JOIN LATERAL jsonb_populate_record(NULL::submissions, f.v->0) AS s
    ORDER BY s.id
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  )
  SELECT coalesce(array_agg(f.ord ORDER BY f.ord), '{}') INTO v_ords FROM ins JOIN firsts f ON (f.v->0->>'id')::uuid = ins.id;

  IF cardinality(v_ords) > 0 THEN
    -- The workload rows come as json, not jsonb: most of a submission's bytes are their numbers,
    -- which jsonb would parse as numerics and the row then read again as text (docs/scale.md, eighth round).
    INSERT INTO workload_results (${list([...WORKLOAD_FROM_SUBMISSION, ...WORKLOAD_COLUMNS])})
    SELECT (el.v->0->>'id')::uuid, (el.v->0->>'device_id')::int, (el.v->0->>'model_id')::int, (el.v->0->>'engine_id')::int, el.v->0->>'backend',
      ${list(WORKLOAD_COLUMNS, "x.")}
    FROM ROWS FROM (jsonb_array_elements(p), json_array_elements(p_wr)) WITH ORDINALITY AS el(v, wr, ord)
    CROSS JOIN LATERAL json_populate_recordset(NULL::workload_results, el.wr) WITH ORDINALITY AS x
    WHERE el.ord = ANY (v_ords)
    ORDER BY el.ord, x.ordinality;
    -- Each element states how many workload rows it has: the two arrays must line up.
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    SELECT coalesce(sum((el.v->>3)::int), 0) INTO v_expected FROM jsonb_array_elements(p) WITH ORDINALITY AS el(v, ord) WHERE el.ord = ANY (v_ords);
    IF v_rows <> v_expected THEN
      RAISE EXCEPTION 'tokenwatt_ingest_many: % workload rows where the submissions name %', v_rows, v_expected;
    END IF;
    INSERT INTO submission_power (${list(SUBMISSION_POWER_COLUMNS)})
    SELECT (el.v->0->>'id')::uuid, el.v->1, el.v->2
    FROM jsonb_array_elements(p) WITH ORDINALITY AS el(v, ord)
    WHERE el.ord = ANY (v_ords) AND (jsonb_array_length(el.v->1) > 0 OR jsonb_array_length(el.v->2) > 0)
    ORDER BY el.ord;
    -- The output checks, in the batch's order; a run a reference already checked is not checked again.
    FOR e IN SELECT (el.v->0->>'id')::uuid AS id FROM jsonb_array_elements(p) WITH ORDINALITY AS el(v, ord)
      WHERE el.ord = ANY (v_ords) AND el.v->0->>'fingerprint_tokens' IS NOT NULL ORDER BY el.ord LOOP
      IF (SELECT output_status IS NULL FROM submissions WHERE id = e.id) THEN
        PERFORM tokenwatt_check_output(e.id);
      END IF;
    END LOOP;
  END IF;

  FOR e IN SELECT el.v, el.ord::int AS ord FROM jsonb_array_elements(p) WITH ORDINALITY AS el(v, ord) ORDER BY el.ord LOOP
    IF NOT (e.ord = ANY (v_ords)) THEN
      v_out := v_out || '{"created": false}'::jsonb;
    ELSIF e.v->0->>'fingerprint_tokens' IS NULL THEN
      v_out := v_out || '{"created": true}'::jsonb;
    ELSE
      SELECT output_status, flags INTO v_row FROM submissions WHERE id = (e.v->0->>'id')::uuid;
      v_out := v_out || jsonb_build_object('created', true, 'outputStatus', v_row.output_status, 'flags', v_row.flags);
    END IF;
  END LOOP;
  RETURN to_jsonb(v_out);
END;
$$;
`;
