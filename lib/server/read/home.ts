/**
 * The home page's picture: this machine (the device of the newest native run) against the other
 * devices measured with the same model, from the owner's cells (private runs too) or, on a public
 * server, the published ones, for one decode workload.
 */
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import type { Audience } from "./audience";

export interface HomeBar {
  deviceId: number;
  deviceName: string;
  backend: string;
  engine: string;
  medianTs: number;
  thisMachine: boolean;
}

export interface HomeChart {
  modelName: string;
  quantization: string;
  weights: string;
  workloadId: string;
  bars: HomeBar[];
}

export async function homeChart(db: Db, audience: Audience): Promise<HomeChart | null> {
  const [latest] = rowsOf<{ device_id: number; model_id: number }>(
    await db.execute(sql`
      select s.device_id, s.model_id from submissions s join engines e on e.id = s.engine_id
      where e.name = 'node-llama-cpp' and s.plausible ${audience === "public" ? sql`and s.published` : sql``}
      order by s.received_at desc limit 1`),
  );
  if (!latest) return null;
  const cells = audience === "public" ? sql`leaderboard_cells` : sql`owner_cells`;
  const rows = rowsOf<HomeBar & { workloadId: string; modelName: string; quantization: string; weights: string }>(
    await db.execute(sql`
      with w as (
        select workload_id from ${cells} where model_id = ${latest.model_id} and workload_id ~ '^tg[0-9]+$'
        group by workload_id order by (workload_id = 'tg128') desc, count(*) desc, workload_id limit 1
      )
      select c.device_id as "deviceId", coalesce(d.display_name, d.vendor || ' ' || d.model) as "deviceName", c.backend, e.name as engine,
        max(c.median_ts) as "medianTs", c.device_id = ${latest.device_id} as "thisMachine", c.workload_id as "workloadId",
        m.name as "modelName", m.quantization, m.weights
      from ${cells} c join w using (workload_id) join devices d on d.id = c.device_id join engines e on e.id = c.engine_id join models m on m.id = c.model_id
      where c.model_id = ${latest.model_id} and c.median_ts is not null
      group by c.device_id, d.display_name, d.vendor, d.model, c.backend, e.name, c.workload_id, m.name, m.quantization, m.weights
      order by "medianTs" desc limit 12`),
  );
  if (!rows.length) return null;
  const { modelName, quantization, weights, workloadId } = rows[0]!;
  return { modelName, quantization, weights, workloadId, bars: rows.map((r) => ({ deviceId: r.deviceId, deviceName: r.deviceName, backend: r.backend, engine: r.engine, medianTs: Number(r.medianTs), thisMachine: r.thisMachine })) };
}
