/**
 * A device at a glance (issue 31 item 2): its best configuration per headline workload, from the
 * leaderboard's cells (one per model, engine, backend and configuration; never pooled across them),
 * and the rows the composite score is computed from (lib/core/measure/score.ts). The owner's cells
 * for the owner's audience (their private runs too), the published ones for the public.
 */
import { sql } from "drizzle-orm";
import { SCORE_REFERENCE } from "../../core/measure/score";
import { rowsOf, type Db } from "../db/client";
import type { Audience } from "./audience";
import { derivedTable } from "../store/derived";

/** The workloads of the summary: fastest prompt and generation (highest tokens/s), quickest first token (lowest ms). */
export const SUMMARY_WORKLOADS = ["pp512", "tg128", "ttft"] as const;
export type SummaryWorkload = (typeof SUMMARY_WORKLOADS)[number];

export interface BestCell {
  workloadId: SummaryWorkload;
  /** tokens/s for pp512 and tg128, ms for ttft: the cell's median over runs of each run's median. */
  value: number;
  p25: number | null;
  p75: number | null;
  reps: number;
  runs: number;
  /** ttft: the prompt's length in tokens. */
  promptTokens: number | null;
  modelId: number;
  modelName: string;
  quantization: string;
  weights: string;
  engine: string;
  backend: string;
  /** "threads 2 · FA auto · ...": the configuration the figure was measured with. */
  config: string;
  /** Of those runs, how many are not published (0 for the public). */
  privateRuns: number;
}

export async function bestPerWorkload(db: Db, deviceId: number, audience: Audience): Promise<BestCell[]> {
  const owner = audience === "owner";
  const cells = await derivedTable(db, owner ? "owner" : "public", "cells");
  const rows = rowsOf<BestCell>(
    await db.execute(sql`
      select distinct on (c.workload_id) c.workload_id as "workloadId",
        case when c.workload_id = 'ttft' then c.median_ns / 1e6 else c.median_ts end as value,
        case when c.workload_id = 'ttft' then c.p25_ns / 1e6 else c.p25_ts end as p25,
        case when c.workload_id = 'ttft' then c.p75_ns / 1e6 else c.p75_ts end as p75,
        c.reps, c.runs, case when c.workload_id = 'ttft' then c.prompt_tokens end as "promptTokens",
        m.id as "modelId", m.name as "modelName", m.quantization, m.weights, e.name || ' ' || e.version as engine, c.backend, c.config,
        ${owner ? sql`c.private_runs` : sql`0`} as "privateRuns"
      from ${cells} c join models m on m.id = c.model_id join engines e on e.id = c.engine_id
      where c.device_id = ${deviceId} and c.workload_id in ('pp512', 'tg128', 'ttft')
        and (case when c.workload_id = 'ttft' then c.median_ns else c.median_ts end) is not null
      order by c.workload_id, case when c.workload_id = 'ttft' then c.median_ns else -c.median_ts end, c.runs desc`),
  );
  const order = (w: string) => SUMMARY_WORKLOADS.indexOf(w as SummaryWorkload);
  return rows.map((r) => ({ ...r, value: Number(r.value), p25: r.p25 == null ? null : Number(r.p25), p75: r.p75 == null ? null : Number(r.p75) })).sort((a, b) => order(a.workloadId) - order(b.workloadId));
}

export interface ScoreRow {
  modelName: string;
  quantization: string;
  engine: string;
  backend: string;
  config: string;
  pp512Ts: number | null;
  tg128Ts: number | null;
  ttftMs: number | null;
  ttftPromptTokens: number | null;
  runs: number;
}

/** The device's pp512/tg128 rows of the score's model, one per engine, backend and configuration, with their TTFT. */
export async function scoreRows(db: Db, deviceId: number, audience: Audience): Promise<ScoreRow[]> {
  const rows = await derivedTable(db, audience, "rows");
  return rowsOf<ScoreRow>(
    await db.execute(sql`
      select r.model_name as "modelName", r.quantization, r.engine_name || ' ' || r.engine_version as engine, r.backend, r.config,
        r.pp_ts as "pp512Ts", r.tg_ts as "tg128Ts", r.ttft_ms as "ttftMs", r.ttft_prompt_tokens as "ttftPromptTokens", r.runs
      from ${rows} r
      where r.device_id = ${deviceId} and r.pp_workload = 'pp512' and r.tg_workload = 'tg128'
        and r.model_name = ${SCORE_REFERENCE.modelName} and r.quantization = ${SCORE_REFERENCE.quantization}`),
  ).map((r) => ({ ...r, pp512Ts: num(r.pp512Ts), tg128Ts: num(r.tg128Ts), ttftMs: num(r.ttftMs), ttftPromptTokens: num(r.ttftPromptTokens) }));
}

const num = (v: unknown) => (v == null ? null : Number(v));
