/**
 * Search across devices and models (issue 31 item 2): every word of the query (lib/core/present/search-query.ts)
 * must appear, case-insensitively, in what describes the device (its name, vendor and model, CPU, GPUs,
 * class and the backends it ran) or the model (name, family, quantization, weights). Words are matched
 * with strpos, never LIKE, so `%` and `_` are plain characters. Case folding is the database's lower():
 * every database folds ASCII letters; others as its locale does.
 *
 * The public sees what its pages show: a device with a published run (or published itself; the device
 * page's rule), a model with a published pp512 and tg128 row (the model page's rule). The owner sees all.
 * Best first: the name equal to the query, then names starting with its first word, then a word of
 * the description starting with it, then anywhere; more runs first among equals.
 */
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import type { Audience } from "./audience";
import { deviceNameSql } from "./device-name";

export interface DeviceHit {
  id: number;
  name: string;
  deviceClass: string;
  cpuModel: string;
  /** GPU vendor and model, comma-separated; empty when none was reported. */
  gpus: string;
  /** Backends of the runs the audience sees, comma-separated. */
  backends: string;
  runs: number;
}

export interface ModelHit {
  id: number;
  name: string;
  family: string | null;
  quantization: string;
  weights: string;
  parameterCount: number | null;
  /** The file's size: two files of one name and quantization are two models (lib/server/db/schema.ts models.key). */
  fileBytes: number;
  /** Devices with a run of the model the audience sees. */
  devices: number;
  runs: number;
}

export interface SearchResult {
  devices: DeviceHit[];
  models: ModelHit[];
  /** More matched than `limit` of that kind (the page says so). */
  moreDevices: boolean;
  moreModels: boolean;
}

/** Every term in the text, and the rank of the best kind of match (0 best). */
function matching(terms: readonly string[], name: SQL, hay: SQL): { where: SQL; rank: SQL } {
  const where = sql.join(
    terms.map((t) => sql`strpos(${hay}, ${t}) > 0`),
    sql` and `,
  );
  const first = terms[0]!;
  const rank = sql`case when ${name} = ${terms.join(" ")} then 0 when left(${name}, ${first.length}) = ${first} then 1
    when strpos(' ' || ${hay}, ' ' || ${first}) > 0 then 2 else 3 end`;
  return { where, rank };
}

/** Devices and models matching every term (lower-cased), at most `limit` of each. No terms: nothing. */
export async function search(db: Db, terms: readonly string[], audience: Audience, limit = 20): Promise<SearchResult> {
  if (terms.length === 0) return { devices: [], models: [], moreDevices: false, moreModels: false };
  const pub = audience === "public";
  const dName = sql`lower(${deviceNameSql("d")})`;
  const dHay = sql`lower(concat_ws(' ', d.display_name, d.vendor, d.model, d.cpu_vendor, d.cpu_model, d.device_class, g.gpus, r.backends))`;
  const dm = matching(terms, dName, dHay);
  const devices = rowsOf<DeviceHit>(
    await db.execute(sql`
      with r as (
        select device_id, string_agg(distinct backend, ', ') as backends, count(*)::int as runs
        from submissions ${pub ? sql`where published` : sql``} group by device_id
      )
      select d.id, ${deviceNameSql("d")} as name, d.device_class as "deviceClass", d.cpu_model as "cpuModel",
        coalesce(g.gpus, '') as gpus, coalesce(r.backends, '') as backends, coalesce(r.runs, 0) as runs
      from devices d
      left join r on r.device_id = d.id
      cross join lateral (select string_agg(concat_ws(' ', x->>'vendor', x->>'model'), ', ') as gpus from jsonb_array_elements(d.gpus) x) g
      where ${dm.where} ${pub ? sql`and (d.published or r.device_id is not null)` : sql``}
      order by ${dm.rank}, runs desc, name, d.id
      limit ${limit + 1}`),
  );
  const mName = sql`lower(m.name)`;
  const mHay = sql`lower(concat_ws(' ', m.name, m.family, m.quantization, m.weights))`;
  const mm = matching(terms, mName, mHay);
  const models = rowsOf<ModelHit>(
    await db.execute(sql`
      with r as (
        select model_id, count(distinct device_id)::int as devices, count(*)::int as runs
        from submissions ${pub ? sql`where published` : sql``} group by model_id
      )
      select m.id, m.name, m.family, m.quantization, m.weights, m.parameter_count::float8 as "parameterCount", m.file_bytes::float8 as "fileBytes",
        coalesce(r.devices, 0) as devices, coalesce(r.runs, 0) as runs
      from models m left join r on r.model_id = m.id
      where ${mm.where}
        ${pub ? sql`and exists (select 1 from leaderboard_rows lr where lr.model_id = m.id and lr.pp_workload = 'pp512' and lr.tg_workload = 'tg128')` : sql``}
      order by ${mm.rank}, runs desc, m.name, m.quantization, m.id
      limit ${limit + 1}`),
  );
  return { devices: devices.slice(0, limit), models: models.slice(0, limit), moreDevices: devices.length > limit, moreModels: models.length > limit };
}
