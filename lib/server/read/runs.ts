/** Run, device and comparison reads for the dashboard pages. */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { devices, engines, models, submissionPower, submissions, workloadResults } from "../db/schema";
import type { Audience } from "./audience";
import { detectChanges, type TimelineChange, type TimelineRun } from "../../core/measure/timeline";
import { TIMELINE_RUNS } from "../db/views";
import { derivedTable } from "../store/derived";
import { deviceNameSql } from "./device-name";

/** A run and its results; null for a private run when the audience is the public. */
export async function getRun(db: Db, id: string, audience: Audience) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const [s] = await db
    .select({ sub: submissions, device: devices, model: models, engine: engines })
    .from(submissions)
    .innerJoin(devices, eq(devices.id, submissions.deviceId))
    .innerJoin(models, eq(models.id, submissions.modelId))
    .innerJoin(engines, eq(engines.id, submissions.engineId))
    .where(eq(submissions.id, id));
  if (!s || (!s.sub.published && audience === "public")) return null;
  const workloads = await db.select().from(workloadResults).where(eq(workloadResults.submissionId, id)).orderBy(asc(workloadResults.id));
  const [power] = await db.select().from(submissionPower).where(eq(submissionPower.submissionId, id));
  return { ...s, workloads, ...powerOf(power, workloads) };
}

/** A power reading of a run, as its page shows it: the contract's reading, where it was taken, and its workload result's id (null: idle). */
export interface RunPowerReading {
  id: number;
  kind: "idle" | "idle-after" | "workload";
  workloadResultId: number | null;
  method: string;
  scope: string;
  sensor: string;
  durationNs: number;
  energyJ: number | null;
  avgPowerW: number | null;
  idlePowerW: number | null;
  tier: string | null;
  flags: string[];
  rangeJ: number[] | null;
}

/** A power trace of one workload of a run. */
export interface RunPowerTrace {
  id: number;
  workloadResultId: number | null;
  sensor: string;
  scope: string;
  tMs: number[];
  powerW: number[];
}

type StoredReading = Omit<RunPowerReading, "id" | "workloadResultId"> & { workloadId: string | null };
type StoredTrace = Omit<RunPowerTrace, "id" | "workloadResultId"> & { workloadId: string };

/** A run's readings and traces (one submission_power row, keyed by workload id) tied to its workload results. */
function powerOf(power: typeof submissionPower.$inferSelect | undefined, workloads: { id: number; workloadId: string }[]): { readings: RunPowerReading[]; traces: RunPowerTrace[] } {
  const resultOf = new Map(workloads.map((w) => [w.workloadId, w.id]));
  const result = (workloadId: string | null) => (workloadId == null ? null : (resultOf.get(workloadId) ?? null));
  const readings = ((power?.readings ?? []) as StoredReading[]).map(({ workloadId, ...r }, i) => ({
    ...r,
    id: i,
    workloadResultId: result(workloadId),
    energyJ: r.energyJ ?? null,
    avgPowerW: r.avgPowerW ?? null,
    idlePowerW: r.idlePowerW ?? null,
    tier: r.tier ?? null,
    flags: r.flags ?? [],
    rangeJ: r.rangeJ ?? null,
  }));
  const traces = ((power?.traces ?? []) as StoredTrace[]).map(({ workloadId, ...t }, i) => ({ ...t, id: i, workloadResultId: result(workloadId) }));
  return { readings, traces };
}

/** Runs a device page lists at a time (`?page=` pages through the rest). */
export const DEVICE_RUNS_PAGE = 50;

/**
 * A device and one page of its runs, newest first: the public's (published runs; the owner's
 * "published only" switch asks for it too) or the owner's, with the counts of all of them (one
 * aggregate over submissions_device_idx). A page past the last is clamped to the last (`page` says
 * which was read).
 */
export async function getDevice(db: Db, id: number, audience: Audience, o: { page?: number; pageSize?: number } = {}) {
  const [d] = await db.select().from(devices).where(eq(devices.id, id));
  if (!d) return null;
  const mine = and(eq(submissions.deviceId, id), audience === "owner" ? sql`true` : eq(submissions.published, true));
  const [c] = await db
    .select({ total: sql<number>`count(*)::int`, published: sql<number>`count(*) filter (where ${submissions.published})::int` })
    .from(submissions)
    .where(mine);
  const totalRuns = Number(c?.total ?? 0);
  const publishedRuns = Number(c?.published ?? 0);
  if (totalRuns === 0 && !d.published && audience === "public") return null;
  const pageSize = o.pageSize ?? DEVICE_RUNS_PAGE;
  const pages = Math.max(1, Math.ceil(totalRuns / pageSize));
  const page = Math.min(Math.max(1, Math.floor(o.page ?? 1)), pages);
  const runs = await db
    .select({
      id: submissions.id,
      startedAt: submissions.startedAt,
      backend: submissions.backend,
      plausible: submissions.plausible,
      published: submissions.published,
      modelName: models.name,
      quantization: models.quantization,
      weights: models.weights,
      engineName: engines.name,
      engineVersion: engines.version,
    })
    .from(submissions)
    .innerJoin(models, eq(models.id, submissions.modelId))
    .innerJoin(engines, eq(engines.id, submissions.engineId))
    .where(mine)
    .orderBy(desc(submissions.startedAt), desc(submissions.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { device: d, runs, totalRuns, publishedRuns, page, pages, pageSize };
}

export interface CompareCell {
  deviceId: number;
  deviceName: string;
  /**
   * The model file's identity (name, quantization, size, hash, real or synthetic weights: one models
   * row). Two files of one model, or its synthetic and real weights, are two models: never one cell.
   */
  modelId: number;
  modelName: string;
  quantization: string;
  /** `real` or `synthetic` (random weights of the model's shape: speed and memory only). */
  weights: string;
  fileBytes: number;
  /** The engine ("node-llama-cpp 3.21.1") and backend: a device measured with two engines or backends has cells for each. */
  engine: string;
  backend: string;
  /** `compareRuns` only: the run the cell is of (each run is a series of its own); null for a pooled cell. */
  runId: string | null;
  workloadId: string;
  /** The configuration (threads, flash attention, batch...): a device measured two ways has a cell per way. */
  config: string;
  medianTs: number | null;
  /** `ttft` only: median time to first token, ms (never a tokens/s figure). */
  ttftMs: number | null;
  /** The spread: the interquartile range of the runs' medians, or of the one run's repetitions (null: under 2 repetitions). */
  p25: number | null;
  p75: number | null;
  /** Repetitions behind the figure, over all its runs. */
  reps: number;
  /** `ttft` only: the prompt's length in tokens. */
  promptTokens: number | null;
  /**
   * Measured J/token only, in one scope and tier per cell (null: no meter, or a modelled estimate).
   * Both compare modes apply the cells' rule (lib/server/db/views.ts, energy_pick): a run's figure
   * shows alone exactly as it would pooled in its cell.
   */
  decodeJPerToken: number | null;
  prefillJPerToken: number | null;
  /** What those J/token cover and how they were measured (one scope per cell). */
  energyScope: string | null;
  energyTier: string | null;
  peakRssBytes: number | null;
  rooflineEfficiency: number | null;
  runs: number;
  /** Of those runs, how many are not published (the owner's view only; 0 on the public one). */
  privateRuns: number;
}

/**
 * Cells of 1-4 devices, optionally of one model file (its id), for side-by-side charts: published
 * ones, or with for the owner's audience the owner's unpublished runs too. One per device, model,
 * engine, backend, workload and configuration: the maintained cells' own key.
 */
export async function compareDevices(db: Db, deviceIds: number[], audience: Audience, o: { modelId?: number } = {}): Promise<CompareCell[]> {
  const source = await derivedTable(db, audience, "cells");
  const r = await db.execute(sql`
    select c.device_id as "deviceId", ${deviceNameSql("d")} as "deviceName", m.id as "modelId", m.name as "modelName", m.quantization, m.weights,
      m.file_bytes::float8 as "fileBytes", e.name || ' ' || e.version as engine, c.backend, null::text as "runId", c.workload_id as "workloadId", c.config,
      case when c.workload_id = 'ttft' then null else c.median_ts end as "medianTs",
      case when c.workload_id = 'ttft' then c.median_ns / 1e6 end as "ttftMs",
      case when c.workload_id = 'ttft' then c.p25_ns / 1e6 else c.p25_ts end as p25,
      case when c.workload_id = 'ttft' then c.p75_ns / 1e6 else c.p75_ts end as p75,
      c.reps, case when c.workload_id = 'ttft' then c.prompt_tokens end as "promptTokens",
      c.median_decode_j_per_token as "decodeJPerToken", c.median_prefill_j_per_token as "prefillJPerToken",
      c.energy_scope as "energyScope", c.energy_tier as "energyTier",
      c.median_peak_rss_bytes::float8 as "peakRssBytes", c.median_roofline_efficiency as "rooflineEfficiency", c.runs,
      ${audience === "owner" ? sql`c.private_runs` : sql`0`} as "privateRuns"
    from ${source} c join devices d on d.id = c.device_id join models m on m.id = c.model_id join engines e on e.id = c.engine_id
    where c.device_id in (${sql.join(deviceIds.map((x) => sql`${x}`), sql`, `)})
      ${o.modelId != null ? sql`and c.model_id = ${o.modelId}` : sql``}
    order by c.device_id, c.model_id, c.engine_id, c.backend, c.config, c.workload_id`);
  return rowsOf<CompareCell>(r);
}

/**
 * Runs side by side (1-4 submissions, not pooled): each run is a series of its own, named by its
 * device and start time, with its workloads' figures (the median over its repetitions). Ok results of
 * plausible runs; a public server shows published runs only. Energy as the cells take it: a measured
 * J/token (not modelled) with its scope and tier, else none, so a run reads the same in both modes.
 */
export async function compareRuns(db: Db, runIds: string[], audience: Audience): Promise<CompareCell[]> {
  const r = await db.execute(sql`
    select s.device_id as "deviceId",
      ${deviceNameSql("d")} || ' · run ' || left(s.id::text, 8) || ' (' || to_char(s.started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ')' as "deviceName",
      m.id as "modelId", m.name as "modelName", m.quantization, m.weights, m.file_bytes::float8 as "fileBytes",
      e.name || ' ' || e.version as engine, wr.backend, s.id::text as "runId", wr.workload_id as "workloadId", '' as config,
      case when wr.workload_id = 'ttft' then null else wr.median_ts end as "medianTs",
      case when wr.workload_id = 'ttft' then wr.median_ns / 1e6 end as "ttftMs",
      case when wr.workload_id = 'ttft' then wr.p25_ns / 1e6 else wr.p25_ts end as p25,
      case when wr.workload_id = 'ttft' then wr.p75_ns / 1e6 else wr.p75_ts end as p75,
      cardinality(wr.samples_ns) as reps, case when wr.workload_id = 'ttft' then wr.samples_prompt_tokens[1] end as "promptTokens",
      case when x.measured then wr.decode_j_per_token end as "decodeJPerToken", case when x.measured then wr.prefill_j_per_token end as "prefillJPerToken",
      case when x.measured then wr.energy_scope end as "energyScope", case when x.measured then wr.energy_tier end as "energyTier",
      wr.peak_rss_bytes::float8 as "peakRssBytes", wr.roofline_efficiency as "rooflineEfficiency", 1 as runs,
      case when s.published then 0 else 1 end as "privateRuns"
    from submissions s join workload_results wr on wr.submission_id = s.id join devices d on d.id = s.device_id join models m on m.id = s.model_id
      join engines e on e.id = s.engine_id
      -- The cells' energy_pick (lib/server/db/views.ts): a figure with a scope and a measured tier.
      cross join lateral (select wr.j_per_token is not null and wr.energy_scope is not null and wr.energy_tier is not null and wr.energy_tier <> 'modelled' as measured) x
    where s.id in (${sql.join(runIds.map((x) => sql`${x}::uuid`), sql`, `)}) and s.plausible and wr.plausible and wr.status = 'ok'
      ${audience === "public" ? sql`and s.published` : sql``}
    order by s.started_at, s.id, wr.workload_id`);
  return rowsOf<CompareCell>(r);
}

export interface NativeBrowserRow {
  modelName: string;
  quantization: string;
  weights: string;
  workloadId: string;
  /** `cpu` vs `wasm` (the same processor), or `gpu` (cuda, metal, vulkan) vs `webgpu`. */
  pair: "cpu-wasm" | "gpu-webgpu";
  native: { medianTs: number; engines: string; runs: number };
  browser: { medianTs: number; engines: string; runs: number };
  /** browser / native tokens per second: the browser's cost (below 1 = slower in the browser). */
  ratio: number;
}

/**
 * For one device: the same model and workload measured natively and in a browser, paired by
 * processor: CPU with WebAssembly, a GPU backend with WebGPU. Each side is its fastest lane (engine,
 * backend and configuration: the median over that lane's runs of each run's median tokens/s), never
 * a median pooled over lanes. Read from the device's lanes (lib/server/db/views.ts), not its results.
 */
export async function nativeVsBrowser(db: Db, deviceId: number, audience: Audience): Promise<NativeBrowserRow[]> {
  const lanes = await derivedTable(db, audience, "lanes");
  const r = await db.execute(sql`
    select distinct on (m.name, m.quantization, m.weights, l.workload_id, side)
      m.name as "modelName", m.quantization, m.weights, l.workload_id as "workloadId", x.side,
      e.name || ' ' || l.backend as engines, l.median_ts as "medianTs", l.runs
    from ${lanes} l join models m on m.id = l.model_id join engines e on e.id = l.engine_id
    cross join lateral (select case when l.backend in ('cpu', 'wasm', 'webgpu') then l.backend else 'gpu' end as side) x
    where l.device_id = ${deviceId}
    order by m.name, m.quantization, m.weights, l.workload_id, side, l.median_ts desc, l.runs desc`);
  type Cell = { modelName: string; quantization: string; weights: string; workloadId: string; side: string; engines: string; medianTs: number; runs: number };
  const cells = rowsOf<Cell>(r);
  const key = (c: Cell, side: string) => `${c.modelName}|${c.quantization}|${c.weights}|${c.workloadId}|${side}`;
  const bySide = new Map(cells.map((c) => [key(c, c.side), c]));
  const out: NativeBrowserRow[] = [];
  for (const [nativeSide, browserSide, pair] of [["cpu", "wasm", "cpu-wasm"], ["gpu", "webgpu", "gpu-webgpu"]] as const) {
    for (const b of cells.filter((c) => c.side === browserSide)) {
      const n = bySide.get(key(b, nativeSide));
      if (!n) continue;
      const side = (c: Cell) => ({ medianTs: Number(c.medianTs), engines: c.engines, runs: c.runs });
      out.push({ modelName: b.modelName, quantization: b.quantization, weights: b.weights, workloadId: b.workloadId, pair, native: side(n), browser: side(b), ratio: Number(b.medianTs) / Number(n.medianTs) });
    }
  }
  return out.sort((a, b) => a.modelName.localeCompare(b.modelName) || a.pair.localeCompare(b.pair) || a.workloadId.localeCompare(b.workloadId));
}

export interface EngineLaneCell {
  modelName: string;
  quantization: string;
  weights: string;
  workloadId: string;
  /** Engine and the backend the run is stored under; "(WebGPU fell back)" when a GPU run ran on the CPU. */
  lane: string;
  /** The lane's fastest configuration (threads, FA, batch, ctx...: lib/server/db/views.ts result_configs). */
  config: string;
  /** Median tokens/s over that configuration's runs (each run's median over its repetitions): never pooled across configurations. */
  medianTs: number;
  runs: number;
  /** Configurations of the lane measured for this model and workload (1: no other to choose from). */
  configs: number;
  /** Output check verdicts of that configuration's runs (lib/core/measure/fingerprint.ts), e.g. { match: 2 }. */
  outputs: Record<string, number>;
}

/**
 * For one device: every engine on every model it ran, side by side (single-stream workloads, median
 * tokens/s over successful results), with the output check's verdicts, so a fast engine that
 * computes something else is seen next to its figure. Each lane shows its fastest configuration's
 * median, never a median pooled over configurations (threads 1 and threads 2 give two figures, and
 * a median of both is a number no run produced).
 */
export async function enginesSideBySide(db: Db, deviceId: number, audience: Audience): Promise<EngineLaneCell[]> {
  const lanes = await derivedTable(db, audience, "lanes");
  const r = await db.execute(sql`
    with per_config as (
      select m.name as "modelName", m.quantization, m.weights, l.workload_id as "workloadId",
        e.name || ' ' || l.backend || case when l.fell_back then ' (WebGPU fell back)' else '' end as lane,
        l.config, l.median_ts as "medianTs", l.runs, l.outputs
      from ${lanes} l join models m on m.id = l.model_id join engines e on e.id = l.engine_id
      where l.device_id = ${deviceId} and l.n_batch = 1 and l.workload_id <> 'ttft'
    )
    select distinct on ("modelName", quantization, weights, "workloadId", lane) *,
      count(*) over (partition by "modelName", quantization, weights, "workloadId", lane)::int as configs
    from per_config
    order by "modelName", quantization, weights, "workloadId", lane, "medianTs" desc, runs desc`);
  return rowsOf<EngineLaneCell>(r).map((c) => ({ ...c, medianTs: Number(c.medianTs), outputs: typeof c.outputs === "string" ? JSON.parse(c.outputs) : (c.outputs ?? {}) }));
}

/** Runs of a timeline series read and drawn: the newest ones; older runs are summarized (count, median). */
export { TIMELINE_RUNS };

export interface TimelineOlder {
  /** Runs before the drawn ones. */
  runs: number;
  /** Median of their medians, tokens/s. */
  medianTokensPerSec: number;
  from: string;
  to: string;
}

export interface TimelineSeries {
  modelName: string;
  quantization: string;
  backend: string;
  workloadId: string;
  /** The newest `TIMELINE_RUNS` runs at most, in time order; `older` summarizes the rest. */
  runs: TimelineRun[];
  changes: TimelineChange[];
  older: TimelineOlder | null;
}

/**
 * For one device: each model (one file: a name and quantization), backend and single-stream workload
 * measured in two runs or more, its newest TIMELINE_RUNS runs in time order with the changes beyond
 * run-to-run noise among them (lib/core/measure/timeline.ts), and the count and median of the older
 * runs. Read from the audience's maintained timeline table (lib/server/db/views.ts: kept per device,
 * model and backend as runs arrive and change), so the page reads at most TIMELINE_RUNS + 1 rows a
 * series, however many runs the device has. Another `limit` computes the series from the results
 * (`deviceTimelineFromResults`). docs/scale.md has the plans and the figures.
 */
export async function deviceTimeline(db: Db, deviceId: number, audience: Audience, o: { limit?: number } = {}): Promise<TimelineSeries[]> {
  if (o.limit !== undefined && Math.max(2, Math.floor(o.limit)) !== TIMELINE_RUNS) return deviceTimelineFromResults(db, deviceId, audience, o);
  const t = await derivedTable(db, audience, "timeline");
  const r = await db.execute(sql`
    select x.older, x.model_id as "modelId", m.name as "modelName", m.quantization, x.backend, x.workload_id as "workloadId", x.submission_id as "submissionId", x.started_at as "startedAt",
      x.median_ts as "tokensPerSec", x.stddev_ts as "stddevTokensPerSec", x.repetitions, e.version as "engineVersion", e.build as "engineBuild", x.options, x.runs, x.from_at as "fromAt"
    from ${t} x join models m on m.id = x.model_id left join engines e on e.id = x.engine_id
    where x.device_id = ${deviceId}
    order by m.name, m.quantization, x.model_id, x.backend, x.workload_id, x.older, x.started_at`);
  return timelineSeries(rowsOf<TimelineRow>(r));
}

/** Series the device page draws at most: those with the newest runs; the others are listed, each drawable on its own. */
export const TIMELINE_SERIES = 12;

/** A series the page lists without drawing it. */
export interface TimelineSeriesSummary {
  /** `?series=` value that draws it: model id, backend and workload. */
  key: string;
  modelName: string;
  quantization: string;
  backend: string;
  workloadId: string;
  runs: number;
  newestAt: string;
  newestTokensPerSec: number;
}

/** The `?series=` key of a series. */
export const timelineSeriesKey = (modelId: number, backend: string, workloadId: string) => `${modelId}~${backend}~${workloadId}`;

/**
 * The device page's timeline, bounded by series as well as by runs: a device measured with many
 * models, backends and workloads (180 series at 10M results here) draws the `maxSeries` series with
 * the newest runs, plus `pick` (a `?series=` key) where it names one; the others are listed with
 * their run count and newest figure. Two reads of the maintained timeline table: one summary row a
 * series, then the drawn series' rows only.
 */
export async function deviceTimelinePage(db: Db, deviceId: number, audience: Audience, o: { maxSeries?: number; pick?: string | null } = {}): Promise<{ series: TimelineSeries[]; others: TimelineSeriesSummary[] }> {
  const maxSeries = Math.max(1, Math.floor(o.maxSeries ?? TIMELINE_SERIES));
  const t = await derivedTable(db, audience, "timeline");
  type Sum = { modelId: number; modelName: string; quantization: string; backend: string; workloadId: string; runs: number; drawn: number; newestAt: string | Date; newestTs: number };
  const summary = rowsOf<Sum>(
    await db.execute(sql`
      select x.model_id as "modelId", m.name as "modelName", m.quantization, x.backend, x.workload_id as "workloadId",
        (count(*) filter (where not x.older) + coalesce(max(x.runs) filter (where x.older), 0))::int as runs,
        count(*) filter (where not x.older)::int as drawn,
        max(x.started_at) filter (where not x.older) as "newestAt",
        (array_agg(x.median_ts order by x.started_at desc) filter (where not x.older))[1] as "newestTs"
      from ${t} x join models m on m.id = x.model_id
      where x.device_id = ${deviceId}
      group by x.model_id, m.name, m.quantization, x.backend, x.workload_id`),
  ).filter((x) => Number(x.drawn) >= 2);
  const keyOf = (x: Sum) => timelineSeriesKey(Number(x.modelId), x.backend, x.workloadId);
  const byNewest = [...summary].sort((a, b) => new Date(b.newestAt).getTime() - new Date(a.newestAt).getTime() || keyOf(a).localeCompare(keyOf(b)));
  const picked = o.pick ? summary.find((x) => keyOf(x) === o.pick) : undefined;
  const chosen = new Set(byNewest.slice(0, maxSeries).map(keyOf));
  if (picked) chosen.add(keyOf(picked));
  const drawn = summary.filter((x) => chosen.has(keyOf(x)));
  let series: TimelineSeries[] = [];
  if (drawn.length) {
    const r = await db.execute(sql`
      select x.older, x.model_id as "modelId", m.name as "modelName", m.quantization, x.backend, x.workload_id as "workloadId", x.submission_id as "submissionId", x.started_at as "startedAt",
        x.median_ts as "tokensPerSec", x.stddev_ts as "stddevTokensPerSec", x.repetitions, e.version as "engineVersion", e.build as "engineBuild", x.options, x.runs, x.from_at as "fromAt"
      from ${t} x join models m on m.id = x.model_id left join engines e on e.id = x.engine_id
      where x.device_id = ${deviceId}
        and (x.model_id, x.backend, x.workload_id) in (select * from unnest(${`{${drawn.map((d) => d.modelId).join(",")}}`}::int[], ${pgTextArray(drawn.map((d) => d.backend))}::text[], ${pgTextArray(drawn.map((d) => d.workloadId))}::text[]))
      order by m.name, m.quantization, x.model_id, x.backend, x.workload_id, x.older, x.started_at`);
    series = timelineSeries(rowsOf<TimelineRow>(r));
  }
  const others = summary
    .filter((x) => !chosen.has(keyOf(x)))
    .sort((a, b) => a.modelName.localeCompare(b.modelName) || a.quantization.localeCompare(b.quantization) || a.backend.localeCompare(b.backend) || a.workloadId.localeCompare(b.workloadId))
    .map((x) => ({ key: keyOf(x), modelName: x.modelName, quantization: x.quantization, backend: x.backend, workloadId: x.workloadId, runs: Number(x.runs), newestAt: new Date(x.newestAt).toISOString(), newestTokensPerSec: Number(x.newestTs) }));
  return { series, others };
}

/** A PostgreSQL text array literal (values quoted), for unnest. */
const pgTextArray = (xs: string[]) => `{${xs.map((x) => `"${x.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;

/**
 * The same series computed from the device's results (any `limit`): one pass over the device's
 * results (wr_group_idx by its leading column, no joins per row beyond the device's own submissions), then models, engines
 * and options for the newest runs only; the window sorts narrow rows by model id and bytewise text
 * (collate "C": a locale-aware sort of names took half the time). What the maintained table holds
 * for the default limit (tests/integration/bounded-pages.test.ts compares them).
 */
export async function deviceTimelineFromResults(db: Db, deviceId: number, audience: Audience, o: { limit?: number } = {}): Promise<TimelineSeries[]> {
  const limit = Math.max(2, Math.floor(o.limit ?? TIMELINE_RUNS));
  const pub = audience === "public";
  const r = await db.execute(sql`
    with ranked as (
      select wr.model_id, wr.backend collate "C" as backend, wr.workload_id collate "C" as workload_id, wr.submission_id, wr.engine_id, s.started_at,
        wr.median_ts, wr.stddev_ts, cardinality(wr.samples_ns) as repetitions,
        row_number() over (partition by wr.model_id, wr.backend collate "C", wr.workload_id collate "C" order by s.started_at desc, wr.submission_id desc) as rn
      from workload_results wr
      join (select id, started_at from submissions where device_id = ${deviceId}${pub ? sql` and published` : sql``}) s on s.id = wr.submission_id
      where wr.device_id = ${deviceId} and wr.status = 'ok' and wr.plausible and wr.median_ts is not null and wr.workload_id ~ '^(pp|tg)[0-9]+$'
        ${pub ? sql`and wr.published` : sql``}
    ), series as (
      select false as older, model_id, backend, workload_id, submission_id, engine_id, started_at, median_ts, stddev_ts, repetitions, null::int as runs, null::timestamptz as from_at
      from ranked where rn <= ${limit}
      union all
      select true, model_id, backend, workload_id, null, null, max(started_at), percentile_cont(0.5) within group (order by median_ts), null, null, count(*)::int, min(started_at)
      from ranked where rn > ${limit}
      group by model_id, backend, workload_id
    )
    select x.older, x.model_id as "modelId", m.name as "modelName", m.quantization, x.backend, x.workload_id as "workloadId", x.submission_id as "submissionId", x.started_at as "startedAt",
      x.median_ts as "tokensPerSec", x.stddev_ts as "stddevTokensPerSec", x.repetitions, e.version as "engineVersion", e.build as "engineBuild",
      concat_ws(' · ', 'threads ' || (s.options->>'threads'), 'ctx ' || (s.options->>'contextSize'), 'FA ' || (s.options->>'flashAttention'), 'GPU layers ' || (s.options->>'gpuLayers')) as options,
      x.runs, x.from_at as "fromAt"
    from series x join models m on m.id = x.model_id left join engines e on e.id = x.engine_id left join submissions s on s.id = x.submission_id
    order by m.name, m.quantization, x.model_id, x.backend, x.workload_id, x.older, x.started_at`);
  return timelineSeries(rowsOf<TimelineRow>(r));
}

type TimelineRow = {
  older: boolean;
  modelId: number;
  modelName: string;
  quantization: string;
  backend: string;
  workloadId: string;
  submissionId: string;
  startedAt: string | Date;
  tokensPerSec: number;
  stddevTokensPerSec: number | null;
  repetitions: number;
  engineVersion: string;
  engineBuild: string | null;
  options: string;
  runs: number | null;
  fromAt: string | Date | null;
};

/** Series from timeline rows in series order (each series' drawn runs in time order, then its older summary). */
function timelineSeries(rows: TimelineRow[]): TimelineSeries[] {
  const series = new Map<string, TimelineSeries>();
  const iso = (d: string | Date) => new Date(d).toISOString();
  for (const x of rows) {
    const k = `${x.modelId}|${x.backend}|${x.workloadId}`;
    let s = series.get(k);
    if (!s) series.set(k, (s = { modelName: x.modelName, quantization: x.quantization, backend: x.backend, workloadId: x.workloadId, runs: [], changes: [], older: null }));
    if (x.older) {
      s.older = { runs: Number(x.runs), medianTokensPerSec: Number(x.tokensPerSec), from: iso(x.fromAt!), to: iso(x.startedAt) };
      continue;
    }
    s.runs.push({
      submissionId: x.submissionId,
      startedAt: iso(x.startedAt),
      tokensPerSec: Number(x.tokensPerSec),
      stddevTokensPerSec: x.stddevTokensPerSec == null ? null : Number(x.stddevTokensPerSec),
      repetitions: Number(x.repetitions),
      setup: { engineVersion: x.engineVersion, engineBuild: x.engineBuild, options: x.options },
    });
  }
  return [...series.values()].filter((s) => s.runs.length >= 2).map((s) => ({ ...s, changes: detectChanges(s.runs) }));
}

export interface CompareChoice {
  deviceId: number;
  device: string;
  deviceClass: string;
  models: string;
  runs: number;
}

/** The devices a compare picker offers: those with cells for the audience, most measured first. */
export async function compareChoices(db: Db, audience: Audience, limit = 300): Promise<CompareChoice[]> {
  const cells = await derivedTable(db, audience, "cells");
  return rowsOf<CompareChoice>(
    await db.execute(sql`
      select d.id as "deviceId", ${deviceNameSql("d")} as device, d.device_class as "deviceClass",
        string_agg(distinct m.name || ' ' || m.quantization, ', ') as models, sum(c.runs)::int as runs
      from ${cells} c join devices d on d.id = c.device_id join models m on m.id = c.model_id
      group by d.id, d.display_name, d.vendor, d.model, d.device_class
      order by runs desc, device
      limit ${limit}`),
  );
}
