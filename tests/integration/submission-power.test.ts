/**
 * drizzle/0030 on PGlite and PostgreSQL: a database whose runs have power readings and traces as
 * rows of their own (power_readings, power_traces) keeps every reading and trace, in its order and
 * tied to its workload, as one submission_power row per run; runs without any get none; the old
 * tables are gone; and the public and the owner's leaderboards answer as before the migration.
 */
import fs from "node:fs";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { migrate, rowsOf, type DbHandle } from "../../lib/server/db/client";
import { applyViews } from "../../lib/server/db/views";
import { leaderboard, leaderboardQuerySchema } from "../../lib/server/read/leaderboard";
import { getRun } from "../../lib/server/read/runs";
import { applyMigrationsOnly, DB_KINDS, insertOldCatalog, insertOldSubmission, migrationsUpTo, openUnmigrated } from "../helpers/db";

/** Applies this code's views, with multi-statement SQL on the handle's own driver as migrate() runs it (one connection). */
async function applyViewsOn(h: DbHandle): Promise<void> {
  if (h.pglite) {
    await applyViews(async (text) => ((await h.pglite!.exec(text)).at(-1)?.rows ?? []) as Record<string, unknown>[]);
    return;
  }
  const client = postgres(h.url!, { max: 1, onnotice: () => {} });
  try {
    await applyViews(async (text) => [...(await client.unsafe(text))] as Record<string, unknown>[]);
  } finally {
    await client.end();
  }
}

const RUN = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"] as const;
const BARE = "00000000-0000-4000-8000-000000000003";

/** Two runs of pp512 and tg128 with readings (idle, after, per workload) and traces, as the ingest of 0029 wrote them; a third run without power. */
async function insertOldRuns(h: DbHandle): Promise<Record<string, number>> {
  await insertOldCatalog(h);
  const ids: Record<string, number> = {};
  for (const [i, id] of [...RUN, BARE].entries()) {
    await insertOldSubmission(h, id);
    for (const [w, ts] of [["pp512", 300 + 10 * i], ["tg128", 30 + i]] as const) {
      const [row] = rowsOf<{ id: number }>(
        await h.db.execute(sql`insert into workload_results (submission_id, device_id, model_id, engine_id, backend, workload_id, n_prompt, n_gen, n_depth, status,
            samples_ns, samples_prompt_tokens, samples_gen_tokens, avg_ts, median_ts, plausible, published)
          values (${id}, 1, 1, 1, 'cpu', ${w}, ${w === "pp512" ? 512 : 0}, ${w === "tg128" ? 128 : 0}, 0, 'ok', '{1000000000}', '{512}', '{128}', ${ts}, ${ts}, true, true)
          returning id`),
      );
      ids[`${id}/${w}`] = Number(row!.id);
    }
    if (id === BARE) continue;
    await h.db.execute(sql`insert into power_readings (submission_id, workload_result_id, workload_created_at, kind, method, scope, sensor, duration_ns, energy_j, avg_power_w, idle_power_w, tier, flags, range_j)
      values (${id}, null, null, 'idle', 'counter', 'package', 'intel-rapl:0', 2000000000, 10, 5, null, 'counter', '{}', null),
             (${id}, null, null, 'idle-after', 'counter', 'package', 'intel-rapl:0', 2000000000, 11, 5.5, null, 'counter', '{short_window}', null)`);
    await h.db.execute(sql`insert into power_readings (submission_id, workload_result_id, workload_created_at, kind, method, scope, sensor, duration_ns, energy_j, avg_power_w, idle_power_w, tier, flags, range_j)
      select ${id}, wr.id, wr.created_at, 'workload', 'estimated', 'package', 'modelled:cpu', 4000000000, 60, 15, 5, 'modelled', '{}', '{30,135}'
      from workload_results wr where wr.submission_id = ${id} order by wr.id`);
    await h.db.execute(sql`insert into power_traces (workload_result_id, workload_created_at, sensor, scope, t_ms, power_w)
      select wr.id, wr.created_at, 'intel-rapl:0', 'package', '{0,100.5,200}', '{14,15.25,16}' from workload_results wr where wr.submission_id = ${id} order by wr.id`);
  }
  return ids;
}

describe.each(DB_KINDS)("migration 0030 (power as one row per run) on %s", (kind) => {
  it("keeps every reading and trace tied to its workload, and the boards answer as before", async () => {
    const { h, drop } = await openUnmigrated(kind);
    const dir = migrationsUpTo(29);
    try {
      await applyMigrationsOnly(h, kind, dir);
      const ids = await insertOldRuns(h);
      // The boards before: the views of this code on the 0029 tables (0030 changes nothing they read).
      await applyViewsOn(h);
      const query = leaderboardQuerySchema.parse({});
      const publicBefore = await leaderboard(h.db, query, "public");
      const ownerBefore = await leaderboard(h.db, query, "owner");
      expect(publicBefore.length).toBeGreaterThan(0);

      await migrate(h);

      expect(await leaderboard(h.db, query, "public")).toEqual(publicBefore);
      expect(await leaderboard(h.db, query, "owner")).toEqual(ownerBefore);
      const gone = rowsOf<{ readings: string | null; traces: string | null }>(await h.db.execute(sql`select to_regclass('power_readings')::text as readings, to_regclass('power_traces')::text as traces`));
      expect(gone).toEqual([{ readings: null, traces: null }]);
      expect(rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from submission_power`))[0]!.n).toBe(2);

      for (const id of RUN) {
        const run = (await getRun(h.db, id, "owner"))!;
        const pp = ids[`${id}/pp512`]!;
        const tg = ids[`${id}/tg128`]!;
        expect(run.readings.map(({ id: _, ...r }) => r)).toEqual([
          { kind: "idle", workloadResultId: null, method: "counter", scope: "package", sensor: "intel-rapl:0", durationNs: 2e9, energyJ: 10, avgPowerW: 5, idlePowerW: null, tier: "counter", flags: [], rangeJ: null },
          { kind: "idle-after", workloadResultId: null, method: "counter", scope: "package", sensor: "intel-rapl:0", durationNs: 2e9, energyJ: 11, avgPowerW: 5.5, idlePowerW: null, tier: "counter", flags: ["short_window"], rangeJ: null },
          ...[pp, tg].map((w) => ({ kind: "workload", workloadResultId: w, method: "estimated", scope: "package", sensor: "modelled:cpu", durationNs: 4e9, energyJ: 60, avgPowerW: 15, idlePowerW: 5, tier: "modelled", flags: [], rangeJ: [30, 135] })),
        ]);
        expect(run.traces.map(({ id: _, ...t }) => t)).toEqual([pp, tg].map((w) => ({ workloadResultId: w, sensor: "intel-rapl:0", scope: "package", tMs: [0, 100.5, 200], powerW: [14, 15.25, 16] })));
      }
      const bare = (await getRun(h.db, BARE, "owner"))!;
      expect([bare.readings, bare.traces]).toEqual([[], []]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await drop();
    }
  });
});
