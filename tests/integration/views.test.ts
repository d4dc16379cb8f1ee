/**
 * The leaderboard views kept as code (lib/server/db/views.ts), on PGlite and PostgreSQL: the
 * database holds exactly the module's views at its hash; a view changed or dropped behind the
 * module's back is made again at the next open; a database from before drizzle/0024 gets the run
 * statistics backfilled from its samples and the same view definitions as a fresh one; and a cell's
 * figure is the median of its runs' medians with its repetitions and spread (issue 27 item 7).
 */
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { migrate, rowsOf, type DbHandle } from "../../lib/server/db/client";
import { applyViews, VIEW_NAMES, VIEWS_HASH, type RunSql } from "../../lib/server/db/views";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { leaderboard, leaderboardQuerySchema } from "../../lib/server/read/leaderboard";
import { setPublished } from "../../lib/server/store/publish";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { runSummary } from "../../lib/core/measure/stats";
import { makeSubmission, scaleSpeed } from "../../harness/fixtures";
import { applyMigrationsOnly, DB_KINDS, migrationsUpTo, openTestDb, openUnmigrated, withTestDb, insertOldCatalog, insertOldSubmission } from "../helpers/db";

const rows = async <T,>(h: DbHandle, q: string) => rowsOf<T>(await h.db.execute(sql.raw(q)));
const runner = (h: DbHandle): RunSql => async (text) => rows(h, text);

/** The public schema's views and materialized views with their definitions. */
async function viewDefs(h: DbHandle): Promise<Record<string, string>> {
  const r = await rows<{ name: string; def: string }>(
    h,
    `select c.relname as name, pg_get_viewdef(c.oid, true) as def from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('v', 'm') order by 1`,
  );
  return Object.fromEntries(r.map((x) => [x.name, x.def]));
}

/** A run whose tg128 repetitions take `tgSeconds` (quiet enough to rank: under 15% spread), its readings over them. */
function submission(tgSeconds: number[], deviceModel: string) {
  const s = makeSubmission({ workloads: 2, deviceModel });
  const tg = s.workloads.find((w) => w.workloadId === "tg128")!;
  tg.samples = tgSeconds.map((sec) => ({ ...tg.samples[0]!, durationNs: Math.round(sec * 1e9), promptTokens: 0, genTokens: 128, energyJ: null }));
  scaleSpeed(tg, 1);
  const r = parseSubmission(s);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.submission;
}

describe.each(DB_KINDS)("the leaderboard views on %s", (kind) => {
  const h = withTestDb(kind);

  it("are exactly the module's, at its hash, and are not made again when nothing changed", async () => {
    expect(Object.keys(await viewDefs(h)).sort()).toEqual(VIEW_NAMES.map((v) => v.name).sort());
    expect(await rows(h, "select name, hash from schema_objects")).toEqual([{ name: "views", hash: VIEWS_HASH }]);
    expect(await applyViews(runner(h))).toBe(false);
  });

  it("are made again at the next open when one was changed or dropped behind the module's back", async () => {
    const before = await viewDefs(h);
    await rows(h, "drop view owner_sustained");
    await rows(h, "create or replace view owner_sustained as select 1 as forged");
    await migrate(h);
    // The hash still matched: a hand edit is not seen without the hash changing...
    expect((await viewDefs(h)).owner_sustained).not.toEqual(before.owner_sustained);
    // ...which is what the stored hash is for: clearing it (or a new module) makes every view again.
    await rows(h, "update schema_objects set hash = 'stale' where name = 'views'");
    await migrate(h);
    expect(await viewDefs(h)).toEqual(before);
    expect(await rows(h, "select hash from schema_objects")).toEqual([{ hash: VIEWS_HASH }]);
  });

  it("show each cell as the median of its runs' medians, with the repetitions and the spread", async () => {
    // Two runs of one device; the cell is the median of their medians.
    const a = submission([1, 1.1, 1.2], "Views Device");
    const b = submission([0.9, 0.92, 0.95], "Views Device");
    for (const s of [a, b]) expect((await ingestSubmission(h.db, s, null)).status).toBe("created");
    await setPublished(h.db, { submissionIds: [a.submissionId, b.submissionId] }, true);
    const [row] = (await leaderboard(h.db, leaderboardQuerySchema.parse({}))).filter((r) => r.deviceModel === "Views Device");
    const [ma, mb] = [a, b].map((s) => runSummary("tg128", s.workloads.find((w) => w.workloadId === "tg128")!.samples)!.ts!.median) as [number, number];
    expect(ma).toBeCloseTo(128 / 1.1, 9);
    expect(mb).toBeCloseTo(128 / 0.92, 9);
    expect(row!.tgTokensPerSec).toBeCloseTo((ma + mb) / 2, 6);
    expect(row!.tgP25).toBeCloseTo(ma + 0.25 * (mb - ma), 6);
    expect(row!.tgP75).toBeCloseTo(ma + 0.75 * (mb - ma), 6);
    expect(row!.tgReps).toBe(6);
    expect(row!.runs).toBe(2);
  });
});

describe.each(DB_KINDS)("a database from before the run statistics on %s (migration 0024)", (kind) => {
  it("gets them from its samples, and the same views as a fresh database", async () => {
    const { h, drop } = await openUnmigrated(kind);
    const fresh = await openTestDb(kind);
    const dir = migrationsUpTo(23);
    try {
      await applyMigrationsOnly(h, kind, dir);
      // A result as the previous version stored it: samples, no run statistics.
      await insertOldCatalog(h);
      const id = "00000000-0000-4000-8000-000000000001";
      await insertOldSubmission(h, id);
      for (const [w, ns, p, g] of [["pp512", "{1000000000}", "{512}", "{0}"], ["tg128", "{1000000000,2000000000,4000000000}", "{0,0,0}", "{128,128,128}"]] as const)
        await h.db.execute(sql`insert into workload_results (submission_id, device_id, model_id, engine_id, backend, workload_id, n_prompt, n_gen, n_depth, status, samples_ns, samples_prompt_tokens, samples_gen_tokens, avg_ts, plausible, published)
          values (${id}, 1, 1, 1, 'cpu', ${w}, 512, 128, 0, 'ok', ${ns}::bigint[], ${p}::int[], ${g}::int[], 1, true, true)`);

      await migrate(h);

      const tg = await rows<{ median_ts: number; p25_ts: number; p75_ts: number; median_ns: number }>(
        h,
        `select median_ts, p25_ts, p75_ts, median_ns from workload_results where workload_id = 'tg128'`,
      );
      expect(tg).toHaveLength(1);
      expect(tg[0]!.median_ts).toBeCloseTo(64, 9);
      expect(tg[0]!.p25_ts).toBeCloseTo(48, 9);
      expect(tg[0]!.p75_ts).toBeCloseTo(96, 9);
      expect(tg[0]!.median_ns).toBe(2e9);
      expect(await viewDefs(h)).toEqual(await viewDefs(fresh));
      await setPublished(h.db, { allPlausible: true }, true);
      const [row] = await leaderboard(h.db, leaderboardQuerySchema.parse({}));
      expect(row!.tgTokensPerSec).toBeCloseTo(64, 9);
      expect(row!.tgReps).toBe(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await drop();
      await fresh.drop();
    }
  });
});
