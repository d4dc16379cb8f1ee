/**
 * A model's page (issue 31 item 2): the model and every device measured with it, one row per
 * device, engine version, backend and configuration, from the leaderboard's rows (medians of run
 * medians with their spread and repetitions), for the audience the page was given.
 */
import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import type { Audience } from "./audience";
import { derivedTable } from "../store/derived";
import { deviceNameSql } from "./device-name";

export interface ModelInfoRow {
  id: number;
  name: string;
  family: string | null;
  parameterCount: number | null;
  quantization: string;
  fileBytes: number | null;
  weights: string;
}

export interface ModelDeviceRow {
  deviceId: number;
  device: string;
  deviceClass: string;
  backend: string;
  engine: string;
  config: string;
  ppTs: number | null;
  ppP25: number | null;
  ppP75: number | null;
  ppReps: number | null;
  tgTs: number | null;
  tgP25: number | null;
  tgP75: number | null;
  tgReps: number | null;
  ttftMs: number | null;
  ttftPromptTokens: number | null;
  decodeJPerToken: number | null;
  decodeEnergyScope: string | null;
  decodeEnergyTier: string | null;
  peakRssBytes: number | null;
  runs: number;
}

export async function getModel(db: Db, id: number): Promise<ModelInfoRow | null> {
  const [m] = rowsOf<ModelInfoRow>(
    await db.execute(sql`select id, name, family, parameter_count::float8 as "parameterCount", quantization, file_bytes::float8 as "fileBytes", weights from models where id = ${id}`),
  );
  return m ?? null;
}

/** Rows of the model page's table at a time (`?page=`). */
export const MODEL_DEVICES_PAGE = 50;

/** How many device configurations measured the model at (pp, tg): the model page's total. */
export async function modelDevicesTotal(db: Db, modelId: number, audience: Audience, pp = "pp512", tg = "tg128"): Promise<number> {
  const rows = await derivedTable(db, audience, "rows");
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${rows} r where r.model_id = ${modelId} and r.pp_workload = ${pp} and r.tg_workload = ${tg}`));
  return Number(r?.n ?? 0);
}

/**
 * The devices measured with the model at (pp, tg), fastest generation first: one page of `limit` rows
 * (default: every row, for callers that need them all). Empty: the audience sees none.
 */
export async function modelDevices(db: Db, modelId: number, audience: Audience, pp = "pp512", tg = "tg128", o: { limit?: number; page?: number } = {}): Promise<ModelDeviceRow[]> {
  const rows = await derivedTable(db, audience, "rows");
  const page = o.limit ? sql`limit ${o.limit} offset ${((o.page ?? 1) - 1) * o.limit}` : sql``;
  return rowsOf<ModelDeviceRow>(
    await db.execute(sql`
      select r.device_id as "deviceId", ${deviceNameSql("d")} as device, r.device_class as "deviceClass", r.backend,
        r.engine_name || ' ' || r.engine_version as engine, r.config, r.pp_ts as "ppTs", r.pp_p25 as "ppP25", r.pp_p75 as "ppP75", r.pp_reps as "ppReps",
        r.tg_ts as "tgTs", r.tg_p25 as "tgP25", r.tg_p75 as "tgP75", r.tg_reps as "tgReps", r.ttft_ms as "ttftMs", r.ttft_prompt_tokens as "ttftPromptTokens",
        r.decode_j_per_token as "decodeJPerToken", r.decode_energy_scope as "decodeEnergyScope", r.decode_energy_tier as "decodeEnergyTier",
        r.peak_rss_bytes::float8 as "peakRssBytes", r.runs
      from ${rows} r join devices d on d.id = r.device_id
      where r.model_id = ${modelId} and r.pp_workload = ${pp} and r.tg_workload = ${tg}
      order by r.tg_ts desc nulls last, r.runs desc, r.device_id, r.engine_id, r.backend, r.config
      ${page}`),
  );
}
