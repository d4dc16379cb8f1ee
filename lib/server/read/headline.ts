/**
 * The headline figures of a device or a model, for what is shared off the site (preview images,
 * badges, page descriptions): the fastest cell per workload (tg128, pp512), each the median over runs
 * of each run's median, from the leaderboard's cells for the audience given (the public: published,
 * plausible results only).
 */
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import type { Audience } from "./audience";
import { derivedTable } from "../store/derived";
import { deviceNameSql } from "./device-name";

/** The workloads a headline names, generation first. */
export const HEADLINE_WORKLOADS = ["tg128", "pp512"] as const;

export interface HeadlineFigure {
  workloadId: string;
  /** tokens/s: the cell's median over runs of each run's median. */
  medianTs: number;
  runs: number;
  deviceId: number;
  deviceName: string;
  modelId: number;
  modelName: string;
  quantization: string;
  weights: string;
  engine: string;
  backend: string;
}

/** The fastest cell of each headline workload for one device or one model; none when the audience sees none. */
export async function headlineFigures(db: Db, of: { deviceId: number } | { modelId: number }, audience: Audience): Promise<HeadlineFigure[]> {
  const cells = await derivedTable(db, audience, "cells");
  const where = "deviceId" in of ? sql`c.device_id = ${of.deviceId}` : sql`c.model_id = ${of.modelId}`;
  const rows = rowsOf<HeadlineFigure>(
    await db.execute(sql`
      select distinct on (c.workload_id) c.workload_id as "workloadId", c.median_ts as "medianTs", c.runs, c.device_id as "deviceId",
        ${deviceNameSql("d")} as "deviceName", c.model_id as "modelId", m.name as "modelName", m.quantization, m.weights,
        e.name || ' ' || e.version as engine, c.backend
      from ${cells} c join devices d on d.id = c.device_id join models m on m.id = c.model_id join engines e on e.id = c.engine_id
      where ${where} and c.workload_id in ${sql.raw(`(${HEADLINE_WORKLOADS.map((w) => `'${w}'`).join(", ")})`)} and c.median_ts is not null
      order by c.workload_id, c.median_ts desc`),
  );
  const order = (w: string) => HEADLINE_WORKLOADS.indexOf(w as (typeof HEADLINE_WORKLOADS)[number]);
  return rows.map((r) => ({ ...r, medianTs: Number(r.medianTs) })).sort((a, b) => order(a.workloadId) - order(b.workloadId));
}

/** "tg128 47.7 t/s (SmolLM2-135M Q8_0, synthetic weights)": one figure in words, with what it measured. */
export function describeFigure(f: HeadlineFigure, o: { device?: boolean; model?: boolean } = { model: true }): string {
  const what = [o.model && `${f.modelName} ${f.quantization}${f.weights === "synthetic" ? ", synthetic weights" : ""}`, o.device && f.deviceName].filter(Boolean).join(" on ");
  return `${f.workloadId} ${formatTs(f.medianTs)} t/s${what ? ` (${what})` : ""}`;
}

/** tokens/s with the precision a headline needs: 3 significant digits, at least one decimal under 100. */
export function formatTs(ts: number): string {
  return ts >= 100 ? Math.round(ts).toLocaleString("en-US") : ts.toFixed(1);
}
