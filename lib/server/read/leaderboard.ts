/**
 * The public leaderboard (publishing, which writes, is lib/server/store/publish.ts). Results are
 * private until a publisher publishes them; the leaderboard reads the `leaderboard_rows` table (published, plausible, ok results
 * only; lib/server/db/views.ts), its groups made again in every publish or hide. Different engine versions are
 * different rows, never averaged together.
 */
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { BACKENDS, DEVICE_CLASSES } from "../../core/contracts/submission";
import { safeString } from "../../core/contracts/text";
import { isLeaderboardWorkload, parseWorkloadId } from "../../core/contracts/workloads";
import type { Audience } from "./audience";
import { rowsOf, type Db } from "../db/client";

import { SIZE_CLASSES } from "../../core/present/reported";
import { MAX_PAGE } from "../../core/present/paging";
import { derivedTable } from "../store/derived";
import { ENERGY_SCOPE_HINT, ENERGY_SORT_PHASE, energyRanking, isEnergyScope, isEnergySort, type EnergyRanking, type ScopeTierCount } from "../../core/present/energy-ranking";

export { SIZE_CLASSES };
export const SORTABLE = ["pp_ts", "tg_ts", "ttft_ms", "decode_j_per_token", "prefill_j_per_token", "tokens_per_joule", "peak_rss_bytes", "roofline_efficiency", "runs", "steady_ts", "throttle_ratio"] as const;
/** Sort keys read from the sustained join rather than the rows. */
/**
 * The board's column sets (`view`) and the columns a reader may pick (`cols`): the sortable figures and
 * what else identifies a row. The page decides what each column shows; the API only checks the names.
 */
export const LEADERBOARD_VIEWS = ["speed", "energy", "memory", "configuration", "sustained"] as const;
/** `score`: the composite score (lib/core/measure/score.ts), computed by the page from the row's figures; not sortable. */
export const PICKABLE_COLUMNS = [...SORTABLE, "score", "quant", "engine", "backend", "config"] as const;
export type PickableColumn = (typeof PICKABLE_COLUMNS)[number];
export type LeaderboardView = (typeof LEADERBOARD_VIEWS)[number];
/** `cols` split into its column keys (empty pieces dropped); the schema has already checked each. */
export const splitCols = (cols: string | undefined) => (cols ?? "").split(",").map((c) => c.trim()).filter(Boolean) as PickableColumn[];
const SUSTAINED_SORT: Partial<Record<(typeof SORTABLE)[number], string>> = { steady_ts: "su.steady_ts", throttle_ratio: "su.throttle_ratio" };

const workloadParam = (dflt: string, kind: "pp" | "tg") =>
  z
    .string()
    .default(dflt)
    .refine((v) => isLeaderboardWorkload(v, kind), `a ${kind} workload id at depth 0, e.g. ${dflt}`);

export const leaderboardQuerySchema = z
  .object({
    pp: workloadParam("pp512", "pp"),
    tg: workloadParam("tg128", "tg"),
    model: safeString(200).optional(),
    family: safeString(100).optional(),
    size: z.enum(Object.keys(SIZE_CLASSES) as [keyof typeof SIZE_CLASSES]).optional(),
    quant: safeString(40).optional(),
    deviceClass: z.enum(DEVICE_CLASSES).optional(),
    vendor: safeString(200).optional(),
    backend: z.enum(BACKENDS).optional(),
    engine: safeString(100).optional(),
    engineVersion: safeString(100).optional(),
    /** "1": rows whose generation J/token was measured (any scope); energyScope narrows to one scope. */
    metered: z.enum(["1"]).optional(),
    /**
     * The energy scope of the rows: under an energy sort, the scope ranked (of the sorted figure's phase;
     * absent: the scope with the most rows, see leaderboardEnergy); else the generation J/token's scope.
     */
    energyScope: z.string().max(40).refine(isEnergyScope, ENERGY_SCOPE_HINT).optional(),
    /** The sustained workload whose columns the rows carry (`sustained`, or another length: `sustained@60s`). */
    sustained: z
      .string()
      .default("sustained")
      .refine((v) => parseWorkloadId(v)?.kind === "sustained", "a sustained workload id, e.g. sustained or sustained@60s"),
    /** "1" on the owner's dashboard: the owner's private runs too (ignored by a public server). */
    private: z.enum(["1"]).optional(),
    sort: z.enum(SORTABLE).default("tg_ts"),
    /** The page's column set; the API accepts it (a shared link works on both) and always answers every column. */
    view: z.enum(LEADERBOARD_VIEWS).default("speed"),
    /** The page's columns, comma-separated keys, instead of the view's set. */
    cols: z
      .string()
      .max(400)
      .optional()
      .refine((v) => splitCols(v).every((c) => (PICKABLE_COLUMNS as readonly string[]).includes(c)), `comma-separated column keys from ${PICKABLE_COLUMNS.join(", ")}`),
    dir: z.enum(["asc", "desc"]).default("desc"),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    /** 1-based page of `limit` rows (the board's pages, the API's too). */
    page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
    format: z.enum(["json", "csv"]).default("json"),
  })
  .strict();
export type LeaderboardQuery = z.infer<typeof leaderboardQuerySchema>;

/** Columns of a leaderboard row: the documented public export schema (version 1). */
export const LEADERBOARD_COLUMNS = [
  "deviceId",
  "deviceVendor",
  "deviceModel",
  "deviceClass",
  "cpuModel",
  "modelId",
  "modelName",
  "modelFamily",
  "parameterCount",
  "quantization",
  "weights",
  "engineName",
  "engineVersion",
  "backend",
  "config",
  "ppWorkload",
  "ppTokensPerSec",
  "ppP25",
  "ppP75",
  "ppReps",
  "tgWorkload",
  "tgTokensPerSec",
  "tgP25",
  "tgP75",
  "tgReps",
  "ttftMs",
  "ttftP25Ms",
  "ttftP75Ms",
  "ttftReps",
  "ttftPromptTokens",
  "prefillJPerToken",
  "prefillEnergyScope",
  "prefillEnergyTier",
  "decodeJPerToken",
  "decodeEnergyScope",
  "decodeEnergyTier",
  "tokensPerJoule",
  "peakRssBytes",
  "rooflineEfficiency",
  "runs",
  "lastRunAt",
  "deviceName",
  "sustainedWorkload",
  "sustainedPeakTokensPerSec",
  "sustainedSteadyTokensPerSec",
  "throttleRatio",
  "timeToThrottleS",
  "sustainedStartCpuC",
  "sustainedRuns",
  "privateRuns",
] as const;

export type LeaderboardRow = Record<(typeof LEADERBOARD_COLUMNS)[number], string | number | null>;

/** A row's configuration without its context size, as the sustained views key theirs (drizzle/0018). */
const CONFIG_WITHOUT_CTX = sql.raw(`regexp_replace(c.config, '^ctx [0-9]+( · |$)| · ctx [0-9]+', '')`);

/**
 * The leaderboard's rows: for the owner's audience the owner's views (their runs published or not,
 * `privateRuns` counting the unpublished), for the public published runs only. The owner's board
 * passes the owner's audience when its "include my private runs" switch (`q.private`) is on.
 * Sorted by an energy figure, the rows of one scope only: `energy` as leaderboardEnergy answered for
 * `q` (a caller that shows it passes it, so it is read once), else read here.
 */
export async function leaderboard(db: Db, q: LeaderboardQuery, audience: Audience = "public", energy?: EnergyRanking | null): Promise<LeaderboardRow[]> {
  const ranking = energy === undefined ? await leaderboardEnergy(db, q, audience) : energy;
  const owner = audience === "owner";
  const rows = await derivedTable(db, owner ? "owner" : "public", "rows");
  const sustained = await derivedTable(db, owner ? "owner" : "public", "sustained");
  const order = sql.raw(`${SUSTAINED_SORT[q.sort] ?? `c.${q.sort}`} ${q.dir} nulls last, c.runs desc, c.device_id, c.model_id, c.engine_id, c.backend, c.config`);
  const result = await db.execute(sql`
    select c.device_id as "deviceId", c.device_vendor as "deviceVendor", c.device_model as "deviceModel", c.device_class as "deviceClass",
      c.cpu_model as "cpuModel", c.model_id as "modelId", c.model_name as "modelName", c.model_family as "modelFamily",
      c.parameter_count::float8 as "parameterCount", c.quantization, c.weights, c.engine_name as "engineName", c.engine_version as "engineVersion",
      c.backend, c.config, c.pp_workload as "ppWorkload", c.pp_ts as "ppTokensPerSec", c.pp_p25 as "ppP25", c.pp_p75 as "ppP75", c.pp_reps as "ppReps",
      c.tg_workload as "tgWorkload", c.tg_ts as "tgTokensPerSec", c.tg_p25 as "tgP25", c.tg_p75 as "tgP75", c.tg_reps as "tgReps",
      c.ttft_ms as "ttftMs", c.ttft_p25_ms as "ttftP25Ms", c.ttft_p75_ms as "ttftP75Ms", c.ttft_reps as "ttftReps", c.ttft_prompt_tokens as "ttftPromptTokens",
      c.prefill_j_per_token as "prefillJPerToken", c.prefill_energy_scope as "prefillEnergyScope", c.prefill_energy_tier as "prefillEnergyTier",
      c.decode_j_per_token as "decodeJPerToken", c.decode_energy_scope as "decodeEnergyScope", c.decode_energy_tier as "decodeEnergyTier", c.tokens_per_joule as "tokensPerJoule",
      c.peak_rss_bytes::float8 as "peakRssBytes", c.roofline_efficiency as "rooflineEfficiency", c.runs, c.last_run_at as "lastRunAt",
      dv.display_name as "deviceName", su.workload_id as "sustainedWorkload", su.peak_ts as "sustainedPeakTokensPerSec", su.steady_ts as "sustainedSteadyTokensPerSec",
      su.throttle_ratio as "throttleRatio", su.time_to_throttle_s as "timeToThrottleS", su.start_cpu_c as "sustainedStartCpuC", su.runs as "sustainedRuns",
      ${owner ? sql`c.private_runs` : sql`0`}::int as "privateRuns"
    from ${rows} c
    join devices dv on dv.id = c.device_id
    left join ${sustained} su on su.device_id = c.device_id and su.model_id = c.model_id and su.engine_id = c.engine_id
      and su.backend = c.backend and su.config = ${CONFIG_WITHOUT_CTX} and su.workload_id = ${q.sustained}
    where ${boardWhere(q, ranking)}
    order by ${order}
    limit ${q.limit} offset ${(q.page - 1) * q.limit}`);
  return rowsOf<LeaderboardRow>(result).map((r) => ({ ...r, lastRunAt: r.lastRunAt == null ? null : new Date(r.lastRunAt as string).toISOString() }));
}

/** How many rows the board has for `q`'s filters (all pages): one count over the same view; `energy` as for leaderboard. */
export async function leaderboardTotal(db: Db, q: LeaderboardQuery, audience: Audience = "public", energy?: EnergyRanking | null): Promise<number> {
  const ranking = energy === undefined ? await leaderboardEnergy(db, q, audience) : energy;
  const rows = await derivedTable(db, audience, "rows");
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${rows} c where ${boardWhere(q, ranking)}`));
  return Number(r?.n ?? 0);
}

/** The rows view's columns of an energy sort: the figure, and the scope and tier of its phase. */
const energyColumns = (sort: keyof typeof ENERGY_SORT_PHASE) => {
  const phase = ENERGY_SORT_PHASE[sort];
  return { figure: sql.raw(`c.${sort}`), scope: sql.raw(`c.${phase}_energy_scope`), tier: sql.raw(`c.${phase}_energy_tier`) };
};

/**
 * How a board sorted by an energy figure is ranked (lib/core/present/energy-ranking.ts): the rows
 * matching `q`'s other filters with the figure measured, counted per scope and tier, and the scope
 * ranked. Null, and nothing read, for any other sort.
 */
export async function leaderboardEnergy(db: Db, q: LeaderboardQuery, audience: Audience = "public"): Promise<EnergyRanking | null> {
  if (!isEnergySort(q.sort)) return null;
  const col = energyColumns(q.sort);
  const rows = await derivedTable(db, audience, "rows");
  const counts = rowsOf<ScopeTierCount>(
    await db.execute(sql`select ${col.scope} as scope, ${col.tier} as tier, count(*)::int as "rows" from ${rows} c
      where ${boardWhere({ ...q, energyScope: undefined }, null)} and ${measured(q.sort)}
      group by 1, 2`),
  );
  return energyRanking(q.sort, q.energyScope, counts.map((r) => ({ ...r, rows: Number(r.rows) })));
}

/** Rows whose `sort` figure was measured (a modelled figure is never ranked; the cells leave it out already). */
function measured(sort: keyof typeof ENERGY_SORT_PHASE): SQL {
  const col = energyColumns(sort);
  return sql`${col.figure} is not null and ${col.scope} is not null and ${col.tier} is distinct from 'modelled'`;
}

/**
 * The filters of a board query, on the rows view aliased `c`. Under an energy sort (`ranking`), the
 * rows of the ranked scope with the figure measured: no other scope is interleaved, and none at all
 * when no row has the figure.
 */
function boardWhere(q: LeaderboardQuery, ranking: EnergyRanking | null): SQL {
  const where: SQL[] = [sql`c.pp_workload = ${q.pp}`, sql`c.tg_workload = ${q.tg}`];
  if (q.model) where.push(sql`c.model_name = ${q.model}`);
  if (q.family) where.push(sql`c.model_family = ${q.family}`);
  if (q.size) {
    const [lo, hi] = SIZE_CLASSES[q.size];
    where.push(sql`c.parameter_count >= ${lo} and c.parameter_count < ${hi}`);
  }
  if (q.quant) where.push(sql`c.quantization = ${q.quant}`);
  if (q.deviceClass) where.push(sql`c.device_class = ${q.deviceClass}`);
  if (q.vendor) where.push(sql`c.device_vendor = ${q.vendor}`);
  if (q.backend) where.push(sql`c.backend = ${q.backend}`);
  if (q.engine) where.push(sql`c.engine_name = ${q.engine}`);
  if (q.engineVersion) where.push(sql`c.engine_version = ${q.engineVersion}`);
  if (q.metered) where.push(sql`c.decode_j_per_token is not null`);
  if (ranking) where.push(ranking.scope == null ? sql`false` : sql`${measured(ranking.sort)} and ${energyColumns(ranking.sort).scope} = ${ranking.scope}`);
  else if (q.energyScope) where.push(sql`c.decode_energy_scope = ${q.energyScope}`);
  return sql.join(where, sql` and `);
}

/** Distinct values for the filter menus: the published board's, or for the owner's audience the owner's rows too. */
export async function leaderboardFacets(db: Db, audience: Audience = "public") {
  const query = sql`select facet, value from ${await derivedTable(db, audience, "facets")} order by facet, value`;
  const rows = rowsOf<{ facet: string; value: string }>(await db.execute(query));
  const of = (k: string) => rows.filter((r) => r.facet === k).map((r) => r.value);
  return {
    model: of("model"),
    family: of("family"),
    quant: of("quant"),
    deviceClass: of("deviceClass"),
    vendor: of("vendor"),
    backend: of("backend"),
    engine: of("engine"),
    engineVersion: of("engineVersion"),
    energyScope: of("energyScope"),
    workload: of("workload"),
  };
}
