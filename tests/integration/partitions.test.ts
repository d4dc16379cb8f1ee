/**
 * Monthly partitions of workload_results (drizzle/0021, lib/server/db/partitions.ts) on PGlite and
 * PostgreSQL: made ahead at open, idempotent, rows in their month with their run's power kept and
 * deleted with it, an ingest that finds no partition recovers, and a database with results from
 * before the partitioning keeps every row, power link and leaderboard cell through the migrations.
 */
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { migrate, rowsOf, type DbHandle } from "../../lib/server/db/client";
import { ensureResultPartitions, PARTITION_MONTHS_AHEAD } from "../../lib/server/db/partitions";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { leaderboard, leaderboardQuerySchema } from "../../lib/server/read/leaderboard";
import { setPublished } from "../../lib/server/store/publish";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { makeSubmission } from "../../harness/fixtures";
import { applyMigrationsOnly, DB_KINDS, migrationsUpTo, openUnmigrated, withTestDb, insertOldCatalog, insertOldSubmission } from "../helpers/db";

const monthName = (d: Date) => `workload_results_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));

function submission() {
  const s = makeSubmission({ workloads: 2 });
  const r = parseSubmission(s);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.submission;
}

async function partitions(h: DbHandle): Promise<string[]> {
  const r = await h.db.execute(sql`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'workload_results'::regclass order by 1`);
  return rowsOf<{ relname: string }>(r).map((x) => x.relname);
}

const count = async (h: DbHandle, q: string) => Number(rowsOf<{ n: number }>(await h.db.execute(sql.raw(q)))[0]!.n);

describe.each(DB_KINDS)("monthly result partitions on %s", (kind) => {
  const h = withTestDb(kind);

  it("are made at open from this month to 3 months ahead, and again only where missing", async () => {
    const now = new Date();
    const names = await partitions(h);
    for (let i = 0; i <= PARTITION_MONTHS_AHEAD; i++) expect(names).toContain(monthName(addMonths(now, i)));
    expect(await ensureResultPartitions(h.db)).toBe(0);
    // A year back (an import of old results): 12 more, then none.
    expect(await ensureResultPartitions(h.db, 3, addMonths(now, -12))).toBe(12);
    expect(await ensureResultPartitions(h.db, 3, addMonths(now, -12))).toBe(0);
    expect(await partitions(h)).toContain(monthName(addMonths(now, -12)));
  });

  it("store results in their month, power kept with their run and deleted with it", async () => {
    const s = submission();
    expect((await ingestSubmission(h.db, s, null)).status).toBe("created");
    const rows = rowsOf<{ part: string; n: number }>(
      await h.db.execute(sql`select tableoid::regclass::text as part, count(*)::int as n from workload_results where submission_id = ${s.submissionId} group by 1`),
    );
    expect(rows).toEqual([{ part: monthName(new Date()), n: 2 }]);
    // Readings and traces name their workload by its id in the run, as the results do.
    const named = await count(h, `select count(*)::int n from submission_power sp, jsonb_array_elements(sp.traces) t
      join workload_results wr on wr.workload_id = t->>'workloadId' where sp.submission_id = '${s.submissionId}' and wr.submission_id = sp.submission_id`);
    expect(named).toBeGreaterThan(0);
    // Power must belong to a run that exists.
    await expect(h.db.execute(sql`insert into submission_power (submission_id, readings, traces) values ('00000000-0000-4000-8000-0000000000ff', '[]', '[]')`)).rejects.toThrow();
    await h.db.execute(sql`delete from submissions where id = ${s.submissionId}`);
    expect(await count(h, `select count(*)::int n from workload_results where submission_id = '${s.submissionId}'`)).toBe(0);
    expect(await count(h, `select count(*)::int n from submission_power where submission_id = '${s.submissionId}'`)).toBe(0);
  });

  it("an ingest that finds no partition for this month makes it and stores the run", async () => {
    const part = monthName(new Date());
    // Take this month's partition away (empty here after the delete above), as a clock past the months made ahead would.
    await h.db.execute(sql.raw(`alter table workload_results detach partition ${part}`));
    await h.db.execute(sql.raw(`drop table ${part}`));
    expect(await partitions(h)).not.toContain(part);
    const s = submission();
    expect((await ingestSubmission(h.db, s, null)).status).toBe("created");
    expect(await partitions(h)).toContain(part);
    expect(await count(h, `select count(*)::int n from workload_results where submission_id = '${s.submissionId}'`)).toBe(2);
  });
});

describe.each(DB_KINDS)("partitioning a database with results on %s (migration 0021)", (kind) => {
  it("keeps every result, its id, power links and leaderboard cell", async () => {
    const { h, drop } = await openUnmigrated(kind);
    const dir = migrationsUpTo(20);
    try {
      // The schema before partitioning, with rows written as the ingest of that version did (two months apart).
      await applyMigrationsOnly(h, kind, dir);
      await insertOldCatalog(h);
      for (const [i, ago] of [[1, "2 months"], [2, "0 days"]] as const) {
        const id = `00000000-0000-4000-8000-00000000000${i}`;
        await insertOldSubmission(h, id);
        for (const w of ["pp512", "tg128"])
          await h.db.execute(sql`insert into workload_results (submission_id, device_id, model_id, engine_id, backend, workload_id, n_prompt, n_gen, n_depth, status, samples_ns, samples_prompt_tokens, samples_gen_tokens, avg_ts, plausible, published, created_at)
            values (${id}, 1, 1, 1, 'cpu', ${w}, 512, 128, 0, 'ok', '{1000000000}', '{512}', '{0}', ${10 * i}, true, true, now() - ${ago}::interval)`);
        await h.db.execute(sql`insert into power_readings (submission_id, workload_result_id, kind, method, scope, sensor, duration_ns) select ${id}, id, 'workload', 'counter', 'package', 'rapl', 1000 from workload_results where submission_id = ${id}`);
        await h.db.execute(sql`insert into power_traces (workload_result_id, sensor, scope, t_ms, power_w) select id, 'rapl', 'package', '{0,1}', '{5,6}' from workload_results where submission_id = ${id}`);
      }
      const before = rowsOf<{ id: number; workload_id: string }>(await h.db.execute(sql`select id, workload_id from workload_results order by id`));

      await migrate(h);

      const after = rowsOf<{ id: number; workload_id: string; part: string }>(await h.db.execute(sql`select id, workload_id, tableoid::regclass::text as part from workload_results order by id`));
      expect(after.map((r) => [Number(r.id), r.workload_id])).toEqual(before.map((r) => [Number(r.id), r.workload_id]));
      expect(new Set(after.map((r) => r.part)).size).toBe(2);
      // The power rows kept their links through 0021 and then 0030 (one submission_power row per run, by workload id).
      for (const what of ["readings", "traces"])
        expect(await count(h, `select count(*)::int n from submission_power sp, jsonb_array_elements(sp.${what}) x join workload_results wr on wr.workload_id = x->>'workloadId' where wr.submission_id = sp.submission_id`)).toBe(4);
      // New results take ids after the old ones (the sequence survived), and the board reads the moved rows.
      expect((await ingestSubmission(h.db, submission(), null)).status).toBe("created");
      expect(await count(h, "select min(id)::int n from workload_results where device_id <> 1")).toBeGreaterThan(Math.max(...before.map((r) => Number(r.id))));
      await setPublished(h.db, { allPlausible: true }, true);
      const board = await leaderboard(h.db, leaderboardQuerySchema.parse({}));
      const old = board.find((r) => r.deviceModel === "Old Device");
      expect(old?.runs).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await drop();
    }
  });
});
