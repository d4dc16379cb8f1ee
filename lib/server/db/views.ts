/**
 * The leaderboard's views, defined once (issue 29 item 5). migrate() re-applies them at every open
 * where this SQL changed: it drops them all and creates them again in one transaction, and keeps the
 * sha256 of the SQL in schema_objects (drizzle/0024). Migrations hold tables and data only; a
 * migration may change a column a view reads, because migrate() drops the views before it runs
 * pending migrations. tests/integration/views.test.ts checks the database's views against this module.
 *
 * The one statistic (issue 27 item 7): a cell's figure is the median over runs of each run's median
 * over its repetitions (workload_results.median_ts, median_ns), with the runs, the repetitions and the
 * spread: the interquartile range of the runs' medians, or of the one run's repetitions.
 *
 *   result_configs        every result with its run's configuration (threads, FA, batch, ctx, GPU layers, KV types, power)
 *   owner_cells           the owner's cells (published or not), a plain view
 *   leaderboard_cells     the public cells: published results only, materialized
 *   owner_rows / leaderboard_rows     one row per configuration and (pp, tg) pair, with TTFT and energy
 *   leaderboard_facets    the filter menus' values
 *   owner_sustained / leaderboard_sustained   sustained (thermal) results per configuration without the context size
 */
import { createHash } from "node:crypto";

/** Every view this module makes, dependents first: the order they are dropped in. */
export const VIEW_NAMES = [
  { name: "leaderboard_facets", materialized: true },
  { name: "leaderboard_rows", materialized: true },
  { name: "owner_rows", materialized: false },
  { name: "leaderboard_cells", materialized: true },
  { name: "owner_cells", materialized: false },
  { name: "leaderboard_sustained", materialized: true },
  { name: "owner_sustained", materialized: false },
  { name: "result_configs", materialized: false },
] as const;

/** The materialized views the leaderboard refreshes after a publish, in dependency order. */
export const MATERIALIZED_VIEWS = ["leaderboard_cells", "leaderboard_rows", "leaderboard_facets", "leaderboard_sustained"] as const;

/** Results that count: plausible, ok, in a plausible submission; the public ones also published. */
const countable = (audience: "public" | "owner") => `${audience === "public" ? "published AND " : ""}plausible AND submission_plausible AND status = 'ok'`;

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

/** Cells: one per device, model, engine, backend, workload and configuration. */
function cells(name: string, audience: "public" | "owner"): string {
  return `
CREATE ${audience === "public" ? "MATERIALIZED VIEW" : "VIEW"} ${name} AS
WITH base AS (
  SELECT * FROM result_configs WHERE ${countable(audience)}
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
  max(b.started_at) AS last_run_at${audience === "owner" ? ",\n  count(DISTINCT b.submission_id) FILTER (WHERE NOT b.published)::int AS private_runs" : ""}
FROM base b
LEFT JOIN energy_pick e USING (device_id, model_id, engine_id, backend, workload_id, config)
GROUP BY b.device_id, b.model_id, b.engine_id, b.backend, b.workload_id, b.config, e.energy_scope, e.energy_tier;`;
}

/** Rows: a cell pivot per (pp, tg) pair of depth-0 workloads, with TTFT; device, model and engine columns copied in so filters and sorting read one table. */
function rows(name: string, from: string, audience: "public" | "owner"): string {
  const pick = (col: string, workload: string, as: string) => `max(c.${col}) FILTER (WHERE c.workload_id = ${workload}) AS ${as}`;
  return `
CREATE ${audience === "public" ? "MATERIALIZED VIEW" : "VIEW"} ${name} AS
WITH pp AS (SELECT DISTINCT workload_id FROM ${from} WHERE workload_id ~ '^pp[0-9]+$'),
     tg AS (SELECT DISTINCT workload_id FROM ${from} WHERE workload_id ~ '^tg[0-9]+$'),
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
         max(c.runs) AS runs,${audience === "owner" ? "\n         max(c.private_runs) AS private_runs," : ""}
         max(c.last_run_at) AS last_run_at
       FROM ${from} c
       JOIN pairs p ON c.workload_id IN (p.pp_workload, p.tg_workload, 'ttft')
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
WHERE p.pp_ts IS NOT NULL OR p.tg_ts IS NOT NULL;`;
}

/** Sustained (thermal) results: medians over runs of the peak, steady state, their ratio, time to throttle and starting CPU temperature. */
function sustained(name: string, audience: "public" | "owner"): string {
  return `
CREATE ${audience === "public" ? "MATERIALIZED VIEW" : "VIEW"} ${name} AS
SELECT device_id, model_id, engine_id, backend, workload_id, sustained_config AS config,
  count(*)::int AS runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY peak_ts) AS peak_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY steady_ts) AS steady_ts,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY throttle_ratio) AS throttle_ratio,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_throttle_s) AS time_to_throttle_s,
  count(*) FILTER (WHERE time_to_throttle_s IS NOT NULL)::int AS throttled_runs,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY start_cpu_c) AS start_cpu_c
FROM result_configs
WHERE ${countable(audience)} AND steady_ts IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;`;
}

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

/** Every facet's values over a rows view and its cells (the workloads): the public view's body and the owner's query. */
export const facetsUnion = (rows: string, cells: string): string =>
  [...FACET_COLUMNS.map(([facet, col]) => `SELECT '${facet}' AS facet, ${col} AS value FROM ${rows}`), `SELECT 'workload', workload_id FROM (SELECT DISTINCT workload_id FROM ${cells}) w`].join("\n  UNION ALL ");

const FACETS = `
CREATE MATERIALIZED VIEW leaderboard_facets AS
SELECT DISTINCT facet, value FROM (
  ${facetsUnion("leaderboard_rows", "leaderboard_cells")}
) f
WHERE value IS NOT NULL;`;

/** The views' SQL, in creation order, with the unique indexes REFRESH ... CONCURRENTLY needs. */
export const VIEWS_SQL = [
  RESULT_CONFIGS,
  cells("owner_cells", "owner"),
  cells("leaderboard_cells", "public"),
  "CREATE UNIQUE INDEX leaderboard_cells_key ON leaderboard_cells (device_id, model_id, engine_id, backend, workload_id, config);",
  "CREATE INDEX leaderboard_cells_workload ON leaderboard_cells (workload_id, model_id);",
  rows("leaderboard_rows", "leaderboard_cells", "public"),
  "CREATE UNIQUE INDEX leaderboard_rows_key ON leaderboard_rows (device_id, model_id, engine_id, backend, config, pp_workload, tg_workload);",
  "CREATE INDEX leaderboard_rows_pair_tg ON leaderboard_rows (pp_workload, tg_workload, tg_ts DESC NULLS LAST);",
  FACETS,
  "CREATE UNIQUE INDEX leaderboard_facets_key ON leaderboard_facets (facet, value);",
  sustained("leaderboard_sustained", "public"),
  "CREATE UNIQUE INDEX leaderboard_sustained_key ON leaderboard_sustained (device_id, model_id, engine_id, backend, config, workload_id);",
  sustained("owner_sustained", "owner"),
  rows("owner_rows", "owner_cells", "owner"),
].join("\n");

export const VIEWS_HASH = createHash("sha256").update(VIEWS_SQL).digest("hex");

/** Drops every view of this module (and anything built on them). */
export const DROP_VIEWS_SQL = VIEW_NAMES.map((v) => `DROP ${v.materialized ? "MATERIALIZED VIEW" : "VIEW"} IF EXISTS ${v.name} CASCADE;`).join("\n");

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
 * Before pending migrations run: drops the views where this database has had them made from this
 * module (drizzle/0024 or later applied), so a migration can change any column they read.
 */
export async function dropViewsBeforeMigrations(run: RunSql, pendingMigrations: boolean): Promise<void> {
  if (!pendingMigrations || (await appliedHash(run)) === null) return;
  await run(`BEGIN;\n${DROP_VIEWS_SQL}\nDELETE FROM schema_objects WHERE name = 'views';\nCOMMIT;`);
}

/** After migrations: makes the views again where their SQL changed (or they were dropped); returns whether it did. */
export async function applyViews(run: RunSql): Promise<boolean> {
  if ((await appliedHash(run)) === VIEWS_HASH) return false;
  await run(
    `BEGIN;\n${DROP_VIEWS_SQL}\n${VIEWS_SQL}\nINSERT INTO schema_objects (name, hash) VALUES ('views', '${VIEWS_HASH}')\n` +
      `ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, applied_at = now();\nCOMMIT;`,
  );
  return true;
}
