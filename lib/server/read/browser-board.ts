/**
 * The browser leaderboard: browser runs keyed by the WebGPU adapter they ran beside (vendor,
 * architecture, features, limits), per engine and where the model really went, with the output
 * check. Only trustworthy runs rank: ok, plausible (a run whose output differs from the native CPU
 * reference is not), and published on a public server.
 */
import { sql } from "drizzle-orm";
import { z } from "zod";
import { isLeaderboardWorkload } from "../../core/contracts/workloads";
import { rowsOf, type Db } from "../db/client";
import type { Audience } from "./audience";

export const browserBoardQuerySchema = z.object({
  workload: z
    .string()
    .default("tg128")
    .refine((v) => isLeaderboardWorkload(v, "tg") || isLeaderboardWorkload(v, "pp"), "a pp or tg workload id at depth 0, e.g. tg128 or pp512"),
});

export interface BrowserBoardRow {
  adapter: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
  engine: string;
  /** Where the model went: webgpu, wasm, or wasm after a WebGPU fallback. */
  placement: string;
  modelName: string;
  quantization: string;
  weights: string;
  medianTs: number;
  runs: number;
  devices: number;
  outputs: Record<string, number>;
  lastRunAt: string;
}

export async function browserBoard(db: Db, workloadId: string, audience: Audience): Promise<BrowserBoardRow[]> {
  const r = await db.execute(sql`
    with runs as (
      select coalesce(nullif(concat_ws(' · ', nullif(s.webgpu->'adapter'->>'vendor', ''), nullif(s.webgpu->'adapter'->>'architecture', ''), nullif(s.webgpu->'adapter'->>'description', '')), ''), 'no WebGPU adapter') as adapter,
        coalesce((s.webgpu->'adapter'->>'isFallbackAdapter')::boolean, false) as fallback,
        coalesce(s.webgpu->'features', '[]'::jsonb) as features,
        coalesce(s.webgpu->'limits', '{}'::jsonb) as limits,
        e.name as engine,
        s.backend || case when s.webgpu->>'fallbackReason' is not null then ' (WebGPU fell back)' else '' end as placement,
        m.name as model_name, m.quantization, m.weights, wr.median_ts, wr.device_id, s.started_at,
        coalesce(s.output_status, 'none') as output
      from workload_results wr
      join submissions s on s.id = wr.submission_id
      join models m on m.id = wr.model_id
      join engines e on e.id = wr.engine_id
      where wr.workload_id = ${workloadId} and s.backend in ('wasm', 'webgpu') and wr.status = 'ok' and wr.plausible and wr.median_ts is not null
        ${audience === "public" ? sql`and wr.published` : sql``}
    ), counted as (
      select *, count(*) over (partition by adapter, fallback, features, limits, engine, placement, model_name, quantization, weights, output) as n from runs
    )
    select adapter, fallback as "isFallbackAdapter", features, limits, engine, placement, model_name as "modelName", quantization, weights,
      percentile_cont(0.5) within group (order by median_ts) as "medianTs", count(*)::int as runs, count(distinct device_id)::int as devices,
      jsonb_object_agg(output, n) as outputs, max(started_at) as "lastRunAt"
    from counted
    group by adapter, fallback, features, limits, engine, placement, model_name, quantization, weights
    order by "medianTs" desc
    limit 500`);
  const json = <T,>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;
  return rowsOf<BrowserBoardRow & { lastRunAt: string | Date }>(r).map((x) => ({
    ...x,
    medianTs: Number(x.medianTs),
    features: json<string[]>(x.features),
    limits: json<Record<string, number>>(x.limits),
    outputs: json<Record<string, number>>(x.outputs),
    lastRunAt: new Date(x.lastRunAt).toISOString(),
  }));
}
