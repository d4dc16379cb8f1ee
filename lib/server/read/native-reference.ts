/**
 * What native llama.cpp (node-llama-cpp) measured on the same model file: the /run page divides it
 * by the browser's figure to show each browser engine's tax on one device. Per device and backend,
 * the median tokens/s of each single-stream workload over plausible, ok results (published only on
 * a public server).
 */
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import type { Audience } from "./audience";
import { vendorAndModelSql } from "./device-name";

export interface NativeReference {
  deviceId: number;
  deviceName: string;
  cpuModel: string;
  backend: string;
  lastRunAt: string;
  /** Median tokens/s per workload id (ttft: median ms). */
  medians: Record<string, number>;
}

/** Native references per model key (lib/server/store/ingest.ts modelKey), most recent device first. */
export async function nativeReferences(db: Db, modelKeys: string[], audience: Audience): Promise<Map<string, NativeReference[]>> {
  const out = new Map<string, NativeReference[]>();
  if (!modelKeys.length) return out;
  const r = await db.execute(sql`
    select m.key, d.id as "deviceId", ${vendorAndModelSql("d")} as "deviceName", d.cpu_model as "cpuModel", w.backend, w.workload_id as "workloadId",
      case when w.workload_id = 'ttft' then percentile_cont(0.5) within group (order by w.median_ns) / 1e6
           else percentile_cont(0.5) within group (order by w.median_ts) end as median,
      max(s.started_at) as "lastRunAt"
    from workload_results w
    join submissions s on s.id = w.submission_id
    join models m on m.id = w.model_id
    join engines e on e.id = w.engine_id
    join devices d on d.id = w.device_id
    where m.key in (${sql.join(modelKeys.map((k) => sql`${k}`), sql`, `)})
      and e.name = 'node-llama-cpp' and w.status = 'ok' and w.plausible and w.n_batch = 1
      ${audience === "public" ? sql`and w.published` : sql``}
    group by m.key, d.id, d.vendor, d.model, d.cpu_model, w.backend, w.workload_id`);
  const byRef = new Map<string, NativeReference & { key: string }>();
  for (const row of rowsOf<{ key: string; deviceId: number; deviceName: string; cpuModel: string; backend: string; workloadId: string; median: number | null; lastRunAt: string | Date }>(r)) {
    const id = `${row.key}\u0000${row.deviceId}\u0000${row.backend}`;
    let ref = byRef.get(id);
    const last = new Date(row.lastRunAt).toISOString();
    if (!ref) byRef.set(id, (ref = { key: row.key, deviceId: row.deviceId, deviceName: row.deviceName, cpuModel: row.cpuModel, backend: row.backend, lastRunAt: last, medians: {} }));
    if (last > ref.lastRunAt) ref.lastRunAt = last;
    if (row.median != null) ref.medians[row.workloadId] = Number(row.median);
  }
  for (const { key, ...ref } of byRef.values()) out.set(key, [...(out.get(key) ?? []), ref]);
  for (const refs of out.values()) refs.sort((a, b) => b.lastRunAt.localeCompare(a.lastRunAt));
  return out;
}
