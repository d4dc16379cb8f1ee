/**
 * The home page's picture: this machine (the device of the newest native run) among the devices
 * measured or imported with models of the same size class (lib/core/present/reported.ts
 * SIZE_CLASSES), from the owner's cells (private runs too) or, on a public server, the published
 * ones, for one decode workload. The page adds reported figures of the same class beside them,
 * labelled as such.
 */
import { sql } from "drizzle-orm";
import { SIZE_CLASSES, sizeClassOf, type SizeClass } from "../../core/present/reported";
import { rowsOf, type Db } from "../db/client";
import type { Audience } from "./audience";
import { derivedTable } from "../store/derived";
import { deviceNameSql } from "./device-name";

export interface HomeBar {
  deviceId: number;
  deviceName: string;
  modelName: string;
  quantization: string;
  backend: string;
  engine: string;
  medianTs: number;
  thisMachine: boolean;
  /** The model of this machine's run (else another model of its size class). */
  sameModel: boolean;
  /** Imported from another tool's published output (llama-bench), with where it was published; else measured by a Tokenwatt runner. */
  imported: boolean;
  sourceUrl: string | null;
}

export interface HomeChart {
  modelName: string;
  quantization: string;
  weights: string;
  parameterCount: number | null;
  sizeClass: SizeClass | null;
  workloadId: string;
  bars: HomeBar[];
}

/** Bars at most: this machine's first, then the same model's, then the size class's, fastest first. */
export const HOME_MAX_BARS = 12;
/** Best cells read at a time for the bars (usually one batch: a group is one cell unless a device has several engine versions). */
const HOME_BATCH = 48;

export async function homeChart(db: Db, audience: Audience): Promise<HomeChart | null> {
  const [latest] = rowsOf<{ device_id: number; model_id: number; parameter_count: number | null }>(
    await db.execute(sql`
      select s.device_id, s.model_id, m.parameter_count::float8 as parameter_count from submissions s
      join engines e on e.id = s.engine_id join models m on m.id = s.model_id
      where e.name = 'node-llama-cpp' and s.plausible ${audience === "public" ? sql`and s.published` : sql``}
      order by s.received_at desc limit 1`),
  );
  if (!latest) return null;
  const sizeClass = sizeClassOf(latest.parameter_count);
  const [lo, hi] = sizeClass ? SIZE_CLASSES[sizeClass] : [null, null];
  // Models of the same size class, or the same model alone where its size is unknown.
  const sameClass = lo == null ? sql`c.model_id = ${latest.model_id}` : sql`(c.model_id = ${latest.model_id} or (m.parameter_count >= ${lo} and m.parameter_count < ${hi}))`;
  const cells = await derivedTable(db, audience, "cells");
  const thisMachine = sql`c.device_id = ${latest.device_id} and c.model_id = ${latest.model_id}`;
  type Row = Omit<HomeBar, "medianTs"> & { medianTs: number | string; workloadId: string; weights: string; modelId: number };
  // The bars are the first HOME_MAX_BARS groups (device, backend, engine name, model and where an
  // import came from) in the order of their best cell. Their best cells are read in that order a
  // batch at a time, each (device, model, engine, backend) once, and only those get the lookup of an
  // import's source (per cell it was most of this query's time: 5,000 cells at 100k results).
  const batch = async (offset: number) =>
    rowsOf<Row>(
      await db.execute(sql`
      with w as (
        select workload_id from ${cells} where model_id = ${latest.model_id} and workload_id ~ '^tg[0-9]+$'
        group by workload_id order by (workload_id = 'tg128') desc, count(*) desc, workload_id limit 1
      ), best as (
        select c.device_id, c.model_id, c.engine_id, c.backend, c.workload_id, max(c.median_ts) as median_ts, ${thisMachine} as this_machine
        from ${cells} c join w using (workload_id) join models m on m.id = c.model_id
        where ${sameClass} and c.median_ts is not null
        group by c.device_id, c.model_id, c.engine_id, c.backend, c.workload_id
        order by this_machine desc, c.model_id = ${latest.model_id} desc, median_ts desc, c.device_id, c.model_id, c.engine_id, c.backend
        limit ${HOME_BATCH} offset ${offset}
      )
      select c.device_id as "deviceId", ${deviceNameSql("d")} as "deviceName", c.backend, e.name as engine,
        c.median_ts as "medianTs", c.this_machine as "thisMachine", c.model_id = ${latest.model_id} as "sameModel", c.workload_id as "workloadId",
        c.model_id as "modelId", m.name as "modelName", m.quantization, m.weights, src.url is not null or src.imported as "imported", src.url as "sourceUrl"
      from best c join devices d on d.id = c.device_id join engines e on e.id = c.engine_id join models m on m.id = c.model_id
      left join lateral (
        select true as imported, s.source->>'url' as url from submissions s
        where s.device_id = c.device_id and s.model_id = c.model_id and s.engine_id = c.engine_id and s.source is not null
        order by (s.source->>'url') is null limit 1
      ) src on true
      order by "thisMachine" desc, "sameModel" desc, "medianTs" desc, c.device_id, c.model_id, c.engine_id, c.backend`),
    );
  const groups = new Map<string, Row>();
  for (let offset = 0; groups.size < HOME_MAX_BARS; offset += HOME_BATCH) {
    const got = await batch(offset);
    for (const r of got) {
      // A group's first row is its best (the rows come best first); several engine versions of one engine are one bar.
      const key = JSON.stringify([r.deviceId, r.backend, r.engine, r.modelId, r.sourceUrl, Boolean(r.imported)]);
      if (!groups.has(key) && groups.size < HOME_MAX_BARS) groups.set(key, r);
    }
    if (got.length < HOME_BATCH) break;
  }
  const rows = [...groups.values()].map(({ modelId: _m, ...r }) => r);
  const mine = rows.find((r) => r.thisMachine) ?? rows.find((r) => r.sameModel);
  if (!mine) return null;
  return {
    modelName: mine.modelName,
    quantization: mine.quantization,
    weights: mine.weights,
    parameterCount: latest.parameter_count == null ? null : Number(latest.parameter_count),
    sizeClass,
    workloadId: mine.workloadId,
    bars: rows
      .map((r) => ({ ...r, medianTs: Number(r.medianTs), imported: Boolean(r.imported) }))
      .map(({ workloadId: _w, weights: _x, ...b }) => b)
      .sort((a, b) => b.medianTs - a.medianTs),
  };
}
