/**
 * The leaderboard's derived data, defined once (issue 29 item 5; maintained tables since issue 32).
 * migrate() re-applies this module at every open where its SQL changed: it drops every object it
 * made and creates them again in one transaction, fills the tables from the results (a full
 * rebuild), and keeps the sha256 of the SQL in schema_objects (drizzle/0024). Migrations hold the
 * source tables and their data only; a migration may change a column this module reads, because
 * migrate() drops these objects before it runs pending migrations. tests/integration/views.test.ts
 * checks the database against this module and the maintained tables against a full rebuild.
 *
 * The one statistic (issue 27 item 7): a cell's figure is the median over runs of each run's median
 * over its repetitions (workload_results.median_ts, median_ns), with the runs, the repetitions and the
 * spread: the interquartile range of the runs' medians, or of the one run's repetitions.
 *
 *   result_configs        (view) every result with its run's configuration (threads, FA, batch, ctx, GPU layers, KV types, power)
 *   <a>_cells             one row per device, model, engine, backend, workload and configuration
 *   <a>_rows              one row per configuration and (pp, tg) pair, with TTFT and energy
 *   <a>_sustained         sustained (thermal) results per configuration without the context size
 *   <a>_facets            the filter menus' values, each with how many rows (or cells, for workloads) carry it
 *   <a>_lanes             per engine, backend and configuration of a device and model: the device page's engines and native-vs-browser tables
 *   <a>_timeline          per device, model, backend and single-stream workload: the newest TIMELINE_RUNS runs and a summary of the older ones (the device page's timeline)
 * for the two audiences <a>: `leaderboard` (published runs: what anonymous visitors see) and `owner`
 * (published or not, with how many runs are private).
 *
 * Why tables and not views: a median over runs cannot be updated by adding a run, but it can be
 * recomputed for the one group a run belongs to (its device, model, engine and backend: 10 to 1,000
 * results) instead of for every result. A materialized view can only be refreshed whole (77 s at 10M
 * results), and the owner's live views computed every result per request (111 s at 10M).
 *
 * How they stay current: triggers on `submissions` queue a group (derived_queue) when a run arrives
 * or when what the cells read of it changes (plausible, published, output check, options, snapshot);
 * `tokenwatt_derive_pending()` recomputes the queued groups under one advisory lock, and bumps the
 * public version where a published group changed. Publishing calls it in its own transaction (the
 * public board is current when the publish commits); the server calls it shortly after ingest
 * (debounced) and before any read of the owner's tables (lib/server/store/derived.ts), so the owner
 * reads their own writes. Devices, models and engines are never updated after insert, apart from
 * display names and publish flags, which the tables do not copy.
 */
import { createHash } from "node:crypto";

/** The two audiences' table prefixes. */
const AUDIENCES = [
  { audience: "public", prefix: "leaderboard" },
  { audience: "owner", prefix: "owner" },
] as const;
type Audience = (typeof AUDIENCES)[number]["audience"];

/** Every object this module makes, with its kind: dropped in this order before being made again. */
export const DERIVED_OBJECTS = [
  ...AUDIENCES.flatMap(({ prefix }) => ["rows", "facets", "cells", "sustained", "lanes", "timeline"].map((t) => ({ name: `${prefix}_${t}`, kind: "table" as const }))),
  { name: "derived_queue", kind: "table" as const },
  { name: "result_configs", kind: "view" as const },
] as const;

/** Names of the views and materialized views earlier versions of this module made (dropped whatever they are now). */
const EARLIER_NAMES = ["leaderboard_facets", "leaderboard_rows", "owner_rows", "leaderboard_cells", "owner_cells", "leaderboard_sustained", "owner_sustained", "result_configs"];

/** Results that count: plausible, ok, in a plausible submission; the public ones also published. */
const countable = (audience: Audience) => `${audience === "public" ? "published AND " : ""}plausible AND submission_plausible AND status = 'ok'`;

const RESULT_CONFIGS = `
-- Each result with its run's configuration: the leaderboard's cells never pool results measured with
-- different threads, flash attention, batch sizes, context, GPU layers, KV types or power source.
-- sustained_config leaves out the context size (a sustained run needs a small context and is usually
-- a run of its own; rows join it by the rest of their configuration).
CREATE VIEW result_configs AS
SELECT wr.*, s.started_at, s.plausible AS submission_plausible, m.file_bytes,
  concat_ws(' · ', c.threads, c.fa, c.batch, c.ctx, c.gpu, c.kv, c.power) AS config,
  concat_ws(' · ', c.threads, c.fa, c.batch, c.gpu, c.kv, c.power) AS sustained_config
FROM workload_results wr
JOIN submissions s ON s.id = wr.submission_id
JOIN models m ON m.id = wr.model_id
CROSS JOIN LATERAL (SELECT
  'threads ' || (s.options->>'threads') AS threads,
  'FA ' || (s.options->>'flashAttention') AS fa,
  'batch ' || (s.options->>'batchSize') || '/' || coalesce(s.options->>'ubatchSize', '?') AS batch,
  'ctx ' || (s.options->>'contextSize') AS ctx,
  CASE WHEN wr.backend NOT IN ('cpu', 'wasm') THEN 'GPU layers ' || coalesce(s.options->>'gpuLayers', 'default') END AS gpu,
  'KV ' || (s.options->>'typeK') || '/' || coalesce(s.options->>'typeV', '?') AS kv,
  CASE s.device_snapshot->'battery'->>'acConnected' WHEN 'true' THEN 'on AC' WHEN 'false' THEN 'on battery' END AS power
) c;`;

/** The spread of a cell: the interquartile range of its runs' medians, or of its one run's repetitions. */
const spread = (q: number, perRun: string, ofRun: string) =>
  `CASE WHEN count(b.${perRun}) > 1 THEN percentile_cont(${q}) WITHIN GROUP (ORDER BY b.${perRun}) ELSE max(b.${ofRun}) END`;

const ENERGY_MATCH = "b.j_per_token IS NOT NULL AND b.energy_scope = e.energy_scope AND b.energy_tier = e.energy_tier";

/**
 * A group's predicate on a relation's columns: one device, model, engine and backend (the function's
 * parameters). On results: a result's device, model, engine and backend are its submission's (copied at
 * ingest), and the group index (wr_group_idx: device, model, backend, engine) reads only the group's
 * rows, one probe per monthly partition. Reaching them through the group's submissions instead (the
 * submission id index) took a probe per submission and partition: 2,592 for a group of 96 runs over
 * 27 partitions, four times per group made again (docs/scale.md).
 */
const GROUP = (alias = "") => {
  const a = alias ? `${alias}.` : "";
  return `${a}device_id = p_device AND ${a}model_id = p_model AND ${a}engine_id = p_engine AND ${a}backend = p_backend`;
};

/** Cells: one per device, model, engine, backend, workload and configuration, of the results matching `where`. */
function cellsSelect(audience: Audience, where: string): string {
  return `
WITH base AS (
  SELECT * FROM result_configs WHERE ${countable(audience)} AND ${where}
), energy_pick AS (
  -- One energy scope and tier per cell: the best tier measured, then the most runs.
  SELECT DISTINCT ON (device_id, model_id, engine_id, backend, workload_id, config)
    device_id, model_id, engine_id, backend, workload_id, config, energy_scope, energy_tier
  FROM base
  WHERE j_per_token IS NOT NULL AND energy_scope IS NOT NULL AND energy_tier IS NOT NULL AND energy_tier <> 'modelled'
  GROUP BY device_id, model_id, engine_id, backend, workload_id, config, energy_scope, energy_tier
  ORDER BY device_id, model_id, engine_id, backend, workload_id, config, array_position(ARRAY['external', 'counter', 'sampled', 'battery'], energy_tier), count(*) DESC, energy_scope
)
SELECT
  b.device_id, b.model_id, b.engine_id, b.backend, b.workload_id, b.config,
  count(DISTINCT b.submission_id)::int AS runs,
  sum(cardinality(b.samples_ns))::int AS reps,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.median_ts) AS median_ts,
  ${spread(0.25, "median_ts", "p25_ts")} AS p25_ts,
  ${spread(0.75, "median_ts", "p75_ts")} AS p75_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.median_ns) AS median_ns,
  ${spread(0.25, "median_ns", "p25_ns")} AS p25_ns,
  ${spread(0.75, "median_ns", "p75_ns")} AS p75_ns,
  percentile_disc(0.5) WITHIN GROUP (ORDER BY b.samples_prompt_tokens[1]) AS prompt_tokens,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.median_first_token_ns) AS median_first_token_ns,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.peak_rss_bytes) AS median_peak_rss_bytes,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.prefill_j_per_token) FILTER (WHERE ${ENERGY_MATCH}) AS median_prefill_j_per_token,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.decode_j_per_token) FILTER (WHERE ${ENERGY_MATCH}) AS median_decode_j_per_token,
  count(DISTINCT b.submission_id) FILTER (WHERE ${ENERGY_MATCH})::int AS energy_runs,
  e.energy_scope,
  e.energy_tier,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY b.roofline_efficiency) AS median_roofline_efficiency,
  max(b.started_at) AS last_run_at,
  count(DISTINCT b.submission_id) FILTER (WHERE NOT b.published)::int AS private_runs
FROM base b
LEFT JOIN energy_pick e USING (device_id, model_id, engine_id, backend, workload_id, config)
GROUP BY b.device_id, b.model_id, b.engine_id, b.backend, b.workload_id, b.config, e.energy_scope, e.energy_tier`;
}

/**
 * Rows: a cell pivot per (pp, tg) pair of depth-0 workloads, with TTFT, of the cells matching
 * `where`; device, model and engine columns copied in so filters and sorting read one table. The
 * pairs are every pp workload by every tg workload the audience has (its workload facets), so a
 * configuration measured with pp512 alone still has a row on the pp512/tg128 board.
 */
function rowsSelect(prefix: string, where: string): string {
  const pick = (col: string, workload: string, as: string) => `max(c.${col}) FILTER (WHERE c.workload_id = ${workload}) AS ${as}`;
  return `
WITH pp AS (SELECT value AS workload_id FROM ${prefix}_facets WHERE facet = 'workload' AND value ~ '^pp[0-9]+$'),
     tg AS (SELECT value AS workload_id FROM ${prefix}_facets WHERE facet = 'workload' AND value ~ '^tg[0-9]+$'),
     pairs AS (SELECT pp.workload_id AS pp_workload, tg.workload_id AS tg_workload FROM pp CROSS JOIN tg),
     pivot AS (
       SELECT c.device_id, c.model_id, c.engine_id, c.backend, c.config, p.pp_workload, p.tg_workload,
         ${pick("median_ts", "p.pp_workload", "pp_ts")},
         ${pick("p25_ts", "p.pp_workload", "pp_p25")},
         ${pick("p75_ts", "p.pp_workload", "pp_p75")},
         ${pick("reps", "p.pp_workload", "pp_reps")},
         ${pick("median_ts", "p.tg_workload", "tg_ts")},
         ${pick("p25_ts", "p.tg_workload", "tg_p25")},
         ${pick("p75_ts", "p.tg_workload", "tg_p75")},
         ${pick("reps", "p.tg_workload", "tg_reps")},
         max(c.median_ns) FILTER (WHERE c.workload_id = 'ttft') / 1e6 AS ttft_ms,
         max(c.p25_ns) FILTER (WHERE c.workload_id = 'ttft') / 1e6 AS ttft_p25_ms,
         max(c.p75_ns) FILTER (WHERE c.workload_id = 'ttft') / 1e6 AS ttft_p75_ms,
         ${pick("reps", "'ttft'", "ttft_reps")},
         ${pick("prompt_tokens", "'ttft'", "ttft_prompt_tokens")},
         ${pick("median_prefill_j_per_token", "p.pp_workload", "prefill_j_per_token")},
         ${pick("energy_scope", "p.pp_workload", "prefill_energy_scope")},
         ${pick("energy_tier", "p.pp_workload", "prefill_energy_tier")},
         ${pick("median_decode_j_per_token", "p.tg_workload", "decode_j_per_token")},
         ${pick("energy_scope", "p.tg_workload", "decode_energy_scope")},
         ${pick("energy_tier", "p.tg_workload", "decode_energy_tier")},
         ${pick("median_roofline_efficiency", "p.tg_workload", "roofline_efficiency")},
         max(c.median_peak_rss_bytes) AS peak_rss_bytes,
         max(c.runs) AS runs,
         max(c.private_runs) AS private_runs,
         max(c.last_run_at) AS last_run_at
       FROM ${prefix}_cells c
       JOIN pairs p ON c.workload_id IN (p.pp_workload, p.tg_workload, 'ttft')
       WHERE ${where}
       GROUP BY c.device_id, c.model_id, c.engine_id, c.backend, c.config, p.pp_workload, p.tg_workload
     )
SELECT p.*, CASE WHEN p.decode_j_per_token > 0 THEN 1 / p.decode_j_per_token END AS tokens_per_joule,
  d.vendor AS device_vendor, d.model AS device_model, d.device_class, d.cpu_model,
  m.name AS model_name, m.family AS model_family, m.parameter_count, m.quantization, m.weights,
  e.name AS engine_name, e.version AS engine_version
FROM pivot p
JOIN devices d ON d.id = p.device_id
JOIN models m ON m.id = p.model_id
JOIN engines e ON e.id = p.engine_id
WHERE p.pp_ts IS NOT NULL OR p.tg_ts IS NOT NULL`;
}

/** Sustained (thermal) results of `where`: medians over runs of the peak, steady state, their ratio, time to throttle and starting CPU temperature. */
function sustainedSelect(audience: Audience, where: string): string {
  return `
SELECT device_id, model_id, engine_id, backend, workload_id, sustained_config AS config,
  count(*)::int AS runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY peak_ts) AS peak_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY steady_ts) AS steady_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY throttle_ratio) AS throttle_ratio,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_throttle_s) AS time_to_throttle_s,
  count(*) FILTER (WHERE time_to_throttle_s IS NOT NULL)::int AS throttled_runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY start_cpu_c) AS start_cpu_c
FROM result_configs
WHERE ${countable(audience)} AND steady_ts IS NOT NULL AND ${where}
GROUP BY 1, 2, 3, 4, 5, 6`;
}

/**
 * Lanes of `where`'s results (on `rc`, the results with their configuration): per device, model, engine, backend, workload and configuration, the
 * median over runs of each run's median tokens/s, with the output check's verdicts counted, for the
 * device page's engines and native-vs-browser tables. Unlike cells, the owner's lanes keep runs the
 * gate flagged (an engine whose output differs is shown beside its figure); the public's are the
 * published, plausible runs.
 */
function lanesSelect(audience: Audience, where: string): string {
  return `
SELECT device_id, model_id, engine_id, backend, workload_id, n_batch, fell_back, config,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY median_ts) AS median_ts,
  count(*)::int AS runs,
  jsonb_object_agg(output, n) AS outputs
FROM (
  SELECT rc.device_id, rc.model_id, rc.engine_id, rc.backend, rc.workload_id, coalesce(rc.n_batch, 0) AS n_batch,
    s.webgpu->>'fallbackReason' IS NOT NULL AS fell_back, coalesce(rc.config, '') AS config, rc.median_ts,
    coalesce(s.output_status, 'none') AS output,
    count(*) OVER (PARTITION BY rc.device_id, rc.model_id, rc.engine_id, rc.backend, rc.workload_id, coalesce(rc.n_batch, 0),
      s.webgpu->>'fallbackReason' IS NOT NULL, coalesce(rc.config, ''), coalesce(s.output_status, 'none')) AS n
  FROM result_configs rc
  JOIN submissions s ON s.id = rc.submission_id
  WHERE rc.status = 'ok' AND rc.median_ts IS NOT NULL ${audience === "public" ? "AND rc.published AND rc.plausible " : ""}AND ${where}
) x
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;
}

/** Runs of a timeline series kept and drawn: the newest ones; older runs are summarized (count, median, from, to). */
export const TIMELINE_RUNS = 50;

/**
 * Timeline series of `where`'s results (on `wr`, the results; `s`, their submissions): per device,
 * model (one file), backend and single-stream workload (pp/tg), across engines, the newest
 * TIMELINE_RUNS runs with their run's median and spread, repetitions, engine and options, and one
 * row (older) with the count, median and time span of the runs before them. Both audiences draw
 * plausible, ok results with a median; the public's only published runs. The window sorts narrow
 * rows by bytewise text (collate "C"); the options are read for the drawn runs only.
 */
function timelineSelect(audience: Audience, where: string): string {
  return `
WITH ranked AS (
  SELECT wr.device_id, wr.model_id, wr.backend, wr.workload_id, wr.submission_id, wr.engine_id, s.started_at,
    wr.median_ts, wr.stddev_ts, cardinality(wr.samples_ns) AS repetitions,
    row_number() OVER (PARTITION BY wr.device_id, wr.model_id, wr.backend COLLATE "C", wr.workload_id COLLATE "C" ORDER BY s.started_at DESC, wr.submission_id DESC) AS rn
  FROM workload_results wr
  JOIN submissions s ON s.id = wr.submission_id
  WHERE wr.status = 'ok' AND wr.plausible AND wr.median_ts IS NOT NULL AND wr.workload_id ~ '^(pp|tg)[0-9]+$'
    ${audience === "public" ? "AND wr.published AND s.published " : ""}AND ${where}
)
SELECT x.device_id, x.model_id, x.backend, x.workload_id, false AS older, x.submission_id, x.engine_id, x.started_at,
  x.median_ts, x.stddev_ts, x.repetitions,
  concat_ws(' · ', 'threads ' || (o.options->>'threads'), 'ctx ' || (o.options->>'contextSize'), 'FA ' || (o.options->>'flashAttention'), 'GPU layers ' || (o.options->>'gpuLayers')) AS options,
  NULL::int AS runs, NULL::timestamptz AS from_at
FROM ranked x JOIN submissions o ON o.id = x.submission_id
WHERE x.rn <= ${TIMELINE_RUNS}
UNION ALL
SELECT device_id, model_id, backend, workload_id, true, NULL, NULL, max(started_at),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY median_ts), NULL, NULL, NULL, count(*)::int, min(started_at)
FROM ranked
WHERE rn > ${TIMELINE_RUNS}
GROUP BY device_id, model_id, backend, workload_id`;
}

/** A group's timeline series: every engine's runs of its device, model and backend (a series spans engines). */
const SERIES_RESULTS = "wr.device_id = p_device AND wr.model_id = p_model AND wr.backend = p_backend";

/** The filter menus' facets: a name and the rows' column that gives its values. */
const FACET_COLUMNS = [
  ["model", "model_name"],
  ["family", "model_family"],
  ["quant", "quantization"],
  ["deviceClass", "device_class"],
  ["vendor", "device_vendor"],
  ["backend", "backend"],
  ["engine", "engine_name"],
  ["engineVersion", "engine_version"],
  ["energyScope", "decode_energy_scope"],
] as const;

/** Adds `sign` times each facet value's count among the rows of `src` to the facet table (refcounts: a value goes when its count reaches 0). */
const rowFacetsDelta = (prefix: string, src: string, sign: 1 | -1) => `
INSERT INTO ${prefix}_facets (facet, value, n)
SELECT facet, value, (${sign} * count(*))::int FROM (
  ${FACET_COLUMNS.map(([facet, col]) => `SELECT '${facet}' AS facet, ${col}::text AS value FROM ${src}`).join("\n  UNION ALL ")}
) f
WHERE value IS NOT NULL
GROUP BY facet, value
ON CONFLICT (facet, value) DO UPDATE SET n = ${prefix}_facets.n + excluded.n`;

const workloadFacetsDelta = (prefix: string, src: string, sign: 1 | -1) => `
INSERT INTO ${prefix}_facets (facet, value, n)
SELECT 'workload', workload_id, (${sign} * count(*))::int FROM ${src} GROUP BY workload_id
ON CONFLICT (facet, value) DO UPDATE SET n = ${prefix}_facets.n + excluded.n`;

/** The pp and tg workloads an audience has: its rows' pairs. */
const pairWorkloads = (prefix: string) => `ARRAY(SELECT value FROM ${prefix}_facets WHERE facet = 'workload' AND value ~ '^(pp|tg)[0-9]+$' ORDER BY value)`;

/** The tables of one audience (empty), and the functions that fill and maintain them. */
function audienceSql(audience: Audience, prefix: string): string {
  const fn = `tokenwatt_derive_${audience}`;
  return `
CREATE TABLE ${prefix}_cells AS ${cellsSelect(audience, "false")} WITH NO DATA;
ALTER TABLE ${prefix}_cells ADD PRIMARY KEY (device_id, model_id, engine_id, backend, workload_id, config);
CREATE INDEX ${prefix}_cells_workload ON ${prefix}_cells (workload_id, model_id);
CREATE TABLE ${prefix}_facets (facet text NOT NULL, value text NOT NULL, n int NOT NULL, PRIMARY KEY (facet, value));
CREATE TABLE ${prefix}_rows AS ${rowsSelect(prefix, "false")} WITH NO DATA;
ALTER TABLE ${prefix}_rows ADD PRIMARY KEY (device_id, model_id, engine_id, backend, config, pp_workload, tg_workload);
CREATE INDEX ${prefix}_rows_pair_tg ON ${prefix}_rows (pp_workload, tg_workload, tg_ts DESC NULLS LAST);
CREATE INDEX ${prefix}_rows_model ON ${prefix}_rows (model_id);
CREATE TABLE ${prefix}_sustained AS ${sustainedSelect(audience, "false")} WITH NO DATA;
ALTER TABLE ${prefix}_sustained ADD PRIMARY KEY (device_id, model_id, engine_id, backend, config, workload_id);
CREATE TABLE ${prefix}_lanes AS ${lanesSelect(audience, "false")} WITH NO DATA;
ALTER TABLE ${prefix}_lanes ADD PRIMARY KEY (device_id, model_id, engine_id, backend, workload_id, n_batch, fell_back, config);
CREATE TABLE ${prefix}_timeline AS ${timelineSelect(audience, "false")} WITH NO DATA;
CREATE INDEX ${prefix}_timeline_series ON ${prefix}_timeline (device_id, model_id, backend, workload_id);

-- Every row of the audience again from its cells, with the rows' facets (when the pp/tg workloads changed).
CREATE FUNCTION ${fn}_rows() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ${prefix}_rows;
  DELETE FROM ${prefix}_facets WHERE facet <> 'workload';
  WITH new AS (INSERT INTO ${prefix}_rows ${rowsSelect(prefix, "true")} RETURNING *)
  ${rowFacetsDelta(prefix, "new", 1)};
END;
$$;

-- Everything of the audience again from the results (after the module changed, or a bulk load).
CREATE FUNCTION ${fn}_all() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ${prefix}_cells;
  DELETE FROM ${prefix}_sustained;
  DELETE FROM ${prefix}_lanes;
  DELETE FROM ${prefix}_timeline;
  DELETE FROM ${prefix}_facets;
  INSERT INTO ${prefix}_cells ${cellsSelect(audience, "true")};
  ${workloadFacetsDelta(prefix, `${prefix}_cells`, 1)};
  PERFORM ${fn}_rows();
  INSERT INTO ${prefix}_sustained ${sustainedSelect(audience, "true")};
  INSERT INTO ${prefix}_lanes ${lanesSelect(audience, "true")};
  INSERT INTO ${prefix}_timeline ${timelineSelect(audience, "true")};
END;
$$;

-- One group (a device, model, engine and backend) again from its results: its cells, rows, sustained
-- results and their facet counts, its lanes, and the timeline series of its device, model and backend. When the audience's pp/tg workloads change (a first tg256 run), every
-- row is made again, since every configuration gets a row per new pair. Its statements are planned
-- once per connection (a generic plan: a custom plan of a statement over every monthly partition took
-- longer to plan than to run, about 40 of a group's 60 ms at 10M results; docs/scale.md).
CREATE FUNCTION ${fn}(p_device int, p_model int, p_engine int, p_backend text) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  v_before text[] := ${pairWorkloads(prefix)};
BEGIN
  WITH old AS (DELETE FROM ${prefix}_rows c WHERE ${GROUP("c")} RETURNING c.*)
  ${rowFacetsDelta(prefix, "old", -1)};
  WITH old AS (DELETE FROM ${prefix}_cells c WHERE ${GROUP("c")} RETURNING c.workload_id)
  ${workloadFacetsDelta(prefix, "old", -1)};
  DELETE FROM ${prefix}_sustained c WHERE ${GROUP("c")};
  DELETE FROM ${prefix}_lanes c WHERE ${GROUP("c")};
  INSERT INTO ${prefix}_cells ${cellsSelect(audience, GROUP())};
  ${workloadFacetsDelta(prefix, `(SELECT workload_id FROM ${prefix}_cells c WHERE ${GROUP("c")}) c`, 1)};
  DELETE FROM ${prefix}_facets WHERE n <= 0;
  IF ${pairWorkloads(prefix)} IS DISTINCT FROM v_before THEN
    PERFORM ${fn}_rows();
  ELSE
    WITH new AS (INSERT INTO ${prefix}_rows ${rowsSelect(prefix, GROUP("c"))} RETURNING *)
    ${rowFacetsDelta(prefix, "new", 1)};
  END IF;
  INSERT INTO ${prefix}_sustained ${sustainedSelect(audience, GROUP())};
  INSERT INTO ${prefix}_lanes ${lanesSelect(audience, GROUP("rc"))};
  DELETE FROM ${prefix}_timeline c WHERE c.device_id = p_device AND c.model_id = p_model AND c.backend = p_backend;
  INSERT INTO ${prefix}_timeline ${timelineSelect(audience, SERIES_RESULTS)};
END;
$$;`;
}

/** Key of the advisory lock the maintenance holds (one maintainer at a time: groups are deleted and inserted again). */
export const DERIVE_LOCK_KEY = 7152;

const MAINTENANCE = `
-- Groups waiting to be made again: a row per run that arrived or changed (public: the run is or was published).
CREATE TABLE derived_queue (device_id int NOT NULL, model_id int NOT NULL, engine_id int NOT NULL, backend text NOT NULL, public boolean NOT NULL);

CREATE FUNCTION tokenwatt_derive_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO derived_queue VALUES (OLD.device_id, OLD.model_id, OLD.engine_id, OLD.backend, OLD.published OR NEW.published);
    IF (NEW.device_id, NEW.model_id, NEW.engine_id, NEW.backend) IS NOT DISTINCT FROM (OLD.device_id, OLD.model_id, OLD.engine_id, OLD.backend) THEN
      RETURN NULL;
    END IF;
  END IF;
  INSERT INTO derived_queue VALUES (NEW.device_id, NEW.model_id, NEW.engine_id, NEW.backend, NEW.published);
  RETURN NULL;
END;
$$;
CREATE TRIGGER submissions_derive_insert AFTER INSERT ON submissions FOR EACH ROW EXECUTE FUNCTION tokenwatt_derive_enqueue();
-- What the cells read of a run: its plausibility and publication (with its results', changed in the
-- same statements), the output check (an explained run's results change plausibility), its options,
-- snapshot and start (the configuration and last run), and its group.
CREATE TRIGGER submissions_derive_update AFTER UPDATE ON submissions FOR EACH ROW
WHEN (OLD.plausible IS DISTINCT FROM NEW.plausible OR OLD.published IS DISTINCT FROM NEW.published
  OR OLD.output_status IS DISTINCT FROM NEW.output_status OR OLD.options IS DISTINCT FROM NEW.options
  OR OLD.device_snapshot IS DISTINCT FROM NEW.device_snapshot OR OLD.started_at IS DISTINCT FROM NEW.started_at
  OR OLD.device_id IS DISTINCT FROM NEW.device_id OR OLD.model_id IS DISTINCT FROM NEW.model_id
  OR OLD.engine_id IS DISTINCT FROM NEW.engine_id OR OLD.backend IS DISTINCT FROM NEW.backend)
EXECUTE FUNCTION tokenwatt_derive_enqueue();
CREATE TRIGGER submissions_derive_delete AFTER DELETE ON submissions FOR EACH ROW EXECUTE FUNCTION tokenwatt_derive_enqueue_deleted();

-- Makes the queued groups again; returns how many. Queue rows of transactions not yet committed stay
-- for the next call (the DELETE sees committed rows only).
CREATE FUNCTION tokenwatt_derive_pending() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  v_dev int[]; v_model int[]; v_engine int[]; v_backend text[]; v_public boolean[];
  v_published int := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(${DERIVE_LOCK_KEY});
  WITH q AS (DELETE FROM derived_queue RETURNING *),
       g AS (SELECT device_id, model_id, engine_id, backend, bool_or(public) AS public FROM q GROUP BY 1, 2, 3, 4)
  SELECT array_agg(device_id), array_agg(model_id), array_agg(engine_id), array_agg(backend), array_agg(public)
  INTO v_dev, v_model, v_engine, v_backend, v_public FROM g;
  FOR i IN 1 .. coalesce(cardinality(v_dev), 0) LOOP
    PERFORM tokenwatt_derive_owner(v_dev[i], v_model[i], v_engine[i], v_backend[i]);
    IF v_public[i] THEN
      PERFORM tokenwatt_derive_public(v_dev[i], v_model[i], v_engine[i], v_backend[i]);
      v_published := v_published + 1;
    END IF;
  END LOOP;
  IF v_published > 0 THEN
    UPDATE public_version SET version = version + 1, changed_at = now() WHERE id = 1;
  END IF;
  RETURN coalesce(cardinality(v_dev), 0);
END;
$$;

-- Everything again (after this module changed, or a bulk load of results); the queue is then empty.
CREATE FUNCTION tokenwatt_derive_all() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(${DERIVE_LOCK_KEY});
  DELETE FROM derived_queue;
  PERFORM tokenwatt_derive_public_all();
  PERFORM tokenwatt_derive_owner_all();
END;
$$;`;

const DELETED_FN = `
CREATE FUNCTION tokenwatt_derive_enqueue_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO derived_queue VALUES (OLD.device_id, OLD.model_id, OLD.engine_id, OLD.backend, OLD.published);
  RETURN NULL;
END;
$$;`;

/** The functions this module makes (dropped with the tables). */
const FUNCTIONS = [
  "tokenwatt_derive_all()",
  "tokenwatt_derive_pending()",
  "tokenwatt_derive_enqueue()",
  "tokenwatt_derive_enqueue_deleted()",
  ...AUDIENCES.flatMap(({ audience }) => [`tokenwatt_derive_${audience}(int, int, int, text)`, `tokenwatt_derive_${audience}_all()`, `tokenwatt_derive_${audience}_rows()`]),
];

/** The module's SQL, in creation order. */
export const VIEWS_SQL = [RESULT_CONFIGS, ...AUDIENCES.map((a) => audienceSql(a.audience, a.prefix)), DELETED_FN, MAINTENANCE].join("\n");

export const VIEWS_HASH = createHash("sha256").update(VIEWS_SQL).digest("hex");

/**
 * Drops every object of this module (and of its earlier versions, views or materialized views of
 * the same names): a DO block, since a name may be a table here and a view in the database.
 */
export const DROP_VIEWS_SQL = `
DROP TRIGGER IF EXISTS submissions_derive_insert ON submissions;
DROP TRIGGER IF EXISTS submissions_derive_update ON submissions;
DROP TRIGGER IF EXISTS submissions_derive_delete ON submissions;
${FUNCTIONS.map((f) => `DROP FUNCTION IF EXISTS ${f} CASCADE;`).join("\n")}
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm')
      AND c.relname = ANY (ARRAY[${[...new Set([...DERIVED_OBJECTS.map((o) => o.name), ...EARLIER_NAMES])].map((n) => `'${n}'`).join(", ")}])
  LOOP
    EXECUTE format(CASE r.relkind WHEN 'r' THEN 'DROP TABLE IF EXISTS %I CASCADE' WHEN 'v' THEN 'DROP VIEW IF EXISTS %I CASCADE' ELSE 'DROP MATERIALIZED VIEW IF EXISTS %I CASCADE' END, r.relname);
  END LOOP;
END;
$$;`;

/** A SQL runner: PGlite's exec or postgres.js' unsafe, returning rows. */
export type RunSql = (text: string) => Promise<Record<string, unknown>[]>;

/** Whether the views match this module: the hash drizzle/0024's schema_objects keeps (null: not applied yet). */
async function appliedHash(run: RunSql): Promise<string | null> {
  const rows = await run("SELECT to_regclass('public.schema_objects') IS NOT NULL AS ok");
  if (rows[0]?.ok !== true) return null;
  const h = await run("SELECT hash FROM schema_objects WHERE name = 'views'");
  return (h[0]?.hash as string | undefined) ?? null;
}

/**
 * Statements a migration may hold and keep the maintained tables as they are: new tables, columns,
 * constraints, indexes and comments change no row the tables are made from and no column their view
 * and triggers read. Anything else (a changed or dropped column, a data move, a DO block, an ALTER
 * TABLE with any action but ADD COLUMN or ADD CONSTRAINT) makes them again from every result after
 * the migrations. (An added column is not in `result_configs`, whose `wr.*` was expanded when it was
 * made; nothing of this module reads it until this module changes, which makes everything again.)
 */
const KEEPS_DERIVED = /^(CREATE (UNIQUE )?INDEX|DROP INDEX|CREATE (UNLOGGED )?TABLE|ALTER TABLE ("[\w.]+"|[\w.]+) ADD (COLUMN|CONSTRAINT)|COMMENT ON)\s/i;
const ALTER_TABLE = /^ALTER TABLE ("[\w.]+"|[\w.]+)\s+/i;

/** A statement's parts separated by commas outside parentheses and quotes (an ALTER TABLE's actions). */
function topLevelParts(statement: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < statement.length; i++) {
    const c = statement[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(statement.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(statement.slice(start));
  return parts.map((x) => x.trim());
}

/** Whether one statement keeps the maintained tables: one of KEEPS_DERIVED, and an ALTER TABLE's every action an ADD COLUMN or ADD CONSTRAINT. */
function statementKeepsDerived(statement: string): boolean {
  if (!KEEPS_DERIVED.test(statement) || statement.includes(";")) return false;
  const table = ALTER_TABLE.exec(statement);
  if (!table) return true;
  return topLevelParts(statement.slice(table[0].length)).every((action) => /^ADD (COLUMN|CONSTRAINT)\s/i.test(action));
}

/** Whether a migration's SQL leaves the maintained tables valid (every statement one that keeps them). */
export function migrationKeepsDerived(migrationSql: string): boolean {
  const statements = migrationSql
    .split("--> statement-breakpoint")
    .flatMap((chunk) => chunk.split(/;\s*(?:\n|$)/))
    .map((x) => x.replace(/^\s*(--[^\n]*\n\s*)*/, "").trim())
    .filter(Boolean);
  return statements.every(statementKeepsDerived);
}

/**
 * Before pending migrations run (`pending`: their SQL; null on a new database): where this database
 * has the views and tables of this module (drizzle/0024 or later applied) and a migration may change
 * what they read, drops them, so that it can change any column; they are made again from every
 * result after it (about 8.5 minutes at 10M results here). Migrations that only add tables, columns,
 * constraints or indexes keep them: the server starts without that rebuild.
 */
export async function dropViewsBeforeMigrations(run: RunSql, pending: string[] | null): Promise<void> {
  if (!pending?.length || pending.every(migrationKeepsDerived) || (await appliedHash(run)) === null) return;
  await run(`BEGIN;\n${DROP_VIEWS_SQL}\nDELETE FROM schema_objects WHERE name = 'views';\nCOMMIT;`);
}

/** Whether every table, view and trigger of this module is there (a migration or a person may have dropped one). */
async function derivedIntact(run: RunSql): Promise<boolean> {
  const names = DERIVED_OBJECTS.map((o) => `'${o.name}'`).join(", ");
  const r = await run(
    `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname IN (${names}) AND c.relkind IN ('r', 'v'))::int AS rels,
       (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'submissions'::regclass AND tgname IN ('submissions_derive_insert', 'submissions_derive_update', 'submissions_derive_delete'))::int AS triggers`,
  );
  return Number(r[0]?.rels) === DERIVED_OBJECTS.length && Number(r[0]?.triggers) === 3;
}

/**
 * After migrations: makes the views, tables and functions again where their SQL changed (or they, or
 * any one of them, were dropped), and fills the tables; returns whether it did.
 */
export async function applyViews(run: RunSql): Promise<boolean> {
  if ((await appliedHash(run)) === VIEWS_HASH && (await derivedIntact(run))) return false;
  await run(
    `BEGIN;\n${DROP_VIEWS_SQL}\n${VIEWS_SQL}\nSELECT tokenwatt_derive_all();\nINSERT INTO schema_objects (name, hash) VALUES ('views', '${VIEWS_HASH}')\n` +
      `ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, applied_at = now();\nCOMMIT;`,
  );
  return true;
}
