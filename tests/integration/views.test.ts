/**
 * The leaderboard's derived data kept as code (lib/server/db/views.ts), on PGlite and PostgreSQL:
 * the database holds exactly the module's tables and view at its hash; one changed or dropped
 * behind the module's back is made again at the next open; a database from before drizzle/0024 gets
 * the run statistics backfilled from its samples and the same definitions as a fresh one; a cell's
 * figure is the median of its runs' medians with its repetitions and spread (issue 27 item 7); and
 * the tables maintained group by group after ingest, publish, hide and an explained output equal a
 * full rebuild from the results (issue 32).
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { migrate, MIGRATIONS_DIR, rowsOf, type DbHandle } from "../../lib/server/db/client";
import { applyViews, DERIVED_OBJECTS, migrationKeepsDerived, VIEWS_HASH, type RunSql } from "../../lib/server/db/views";
import { deriveAll, derivePending, derivedPending, scheduleDerive } from "../../lib/server/store/derived";
import { explainOutput } from "../../lib/server/store/output-explanation";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { leaderboard, leaderboardQuerySchema } from "../../lib/server/read/leaderboard";
import { setPublished } from "../../lib/server/store/publish";
import { parseSubmission } from "../../lib/core/contracts/submission";
import { runSummary } from "../../lib/core/measure/stats";
import { makeSubmission, scaleSpeed } from "../../harness/fixtures";
import { applyMigrationsOnly, DB_KINDS, migrationsUpTo, openTestDb, openUnmigrated, withTestDb, insertOldCatalog, insertOldSubmission } from "../helpers/db";

const rows = async <T,>(h: DbHandle, q: string) => rowsOf<T>(await h.db.execute(sql.raw(q)));
const runner = (h: DbHandle): RunSql => async (text) => rows(h, text);

/** The public schema's derived objects: each view's definition, each table's columns and indexes. */
async function viewDefs(h: DbHandle): Promise<Record<string, string>> {
  const names = DERIVED_OBJECTS.map((o) => `'${o.name}'`).join(", ");
  const r = await rows<{ name: string; def: string }>(
    h,
    `select c.relname as name, case when c.relkind = 'v' then 'view: ' || pg_get_viewdef(c.oid, true)
       else 'table: ' || (select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum) from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped)
         || ' | ' || coalesce((select string_agg(pg_get_indexdef(i.indexrelid), '; ' order by 1) from pg_index i where i.indrelid = c.oid), '') end as def
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and (c.relkind in ('v', 'm') or (c.relkind = 'r' and c.relname in (${names}))) order by 1`,
  );
  return Object.fromEntries(r.map((x) => [x.name, x.def]));
}

/** Every derived table's rows, sorted, as text: what the maintained tables hold. */
async function derivedContents(h: DbHandle): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const o of DERIVED_OBJECTS) if (o.kind === "table" && o.name !== "derived_queue") out[o.name] = (await rows<{ t: string }>(h, `select t::text as t from ${o.name} t order by 1`)).map((r) => r.t);
  return out;
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
    expect(Object.keys(await viewDefs(h)).sort()).toEqual(DERIVED_OBJECTS.map((v) => v.name).sort());
    expect(await rows(h, "select name, hash from schema_objects")).toEqual([{ name: "views", hash: VIEWS_HASH }]);
    expect(await applyViews(runner(h))).toBe(false);
  });

  it("are made again at the next open when one was changed or dropped behind the module's back", async () => {
    const before = await viewDefs(h);
    await rows(h, "drop table owner_sustained");
    await rows(h, "create view owner_sustained as select 1 as forged");
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

  it("count a run for its owner at once and for the public when published, and equal a full rebuild after ingest, publish, hide and explain", async () => {
    // Runs of two devices, a second configuration, and a first tg256 (a new pp/tg pair for every row).
    const a = submission([1, 1.05, 1.1], "Maintained A");
    const b = submission([2, 2.1, 2.2], "Maintained B");
    const c = submission([1.2, 1.25, 1.3], "Maintained A");
    c.options = { ...c.options, threads: 4 };
    const d = parseSubmission(makeSubmission({ workloads: 10, deviceModel: "Maintained C" }));
    if (!d.ok) throw new Error("fixture");
    for (const s of [a, b, c, d.submission]) expect((await ingestSubmission(h.db, s, null)).status).toBe("created");
    // Queued, not yet counted: the tables alone do not have the runs (the must-fail side of the queue)...
    expect(await derivedPending(h.db)).toBe(true);
    expect(await rows(h, "select 1 from owner_rows r join devices d on d.id = r.device_id where d.model = 'Maintained B'")).toEqual([]);
    // ...the owner's read makes them current first; the public sees none of them (not published).
    const ownerBoard = await leaderboard(h.db, leaderboardQuerySchema.parse({}), "owner");
    expect(ownerBoard.filter((r) => String(r.deviceModel).startsWith("Maintained")).map((r) => r.deviceModel).sort()).toEqual(["Maintained A", "Maintained A", "Maintained B", "Maintained C"]);
    expect(await derivedPending(h.db)).toBe(false);
    const publicModels = async (q = {}) => (await leaderboard(h.db, leaderboardQuerySchema.parse(q))).map((r) => r.deviceModel).filter((m) => String(m).startsWith("Maintained")).sort();
    expect(await publicModels()).toEqual([]);

    // Publishing is on the public board when it returns; hiding takes it off again.
    await setPublished(h.db, { submissionIds: [a.submissionId, b.submissionId, d.submission.submissionId] }, true);
    expect(await publicModels()).toEqual(["Maintained A", "Maintained B", "Maintained C"]);
    expect(await publicModels({ tg: "tg256" })).toEqual(["Maintained A", "Maintained B", "Maintained C"]);
    await setPublished(h.db, { submissionIds: [b.submissionId] }, false);
    expect(await publicModels()).toEqual(["Maintained A", "Maintained C"]);
    const owned = (await leaderboard(h.db, leaderboardQuerySchema.parse({}), "owner")).find((r) => r.deviceModel === "Maintained B")!;
    expect(owned.privateRuns).toBe(1);

    // An output flagged "differs" leaves the board; explained, it is back.
    await rows(h, `update submissions set output_status = 'differs', plausible = false, flags = '[{"code":"output_differs","workloadId":null,"message":"x"}]'::jsonb where id = '${a.submissionId}'`);
    await rows(h, `update workload_results set plausible = false where submission_id = '${a.submissionId}'`);
    await derivePending(h.db);
    expect(await publicModels()).toEqual(["Maintained C"]);
    await explainOutput(h.db, a.submissionId, "a different but correct kernel, checked by hand");
    expect(await publicModels()).toEqual(["Maintained A", "Maintained C"]);

    // Whatever was maintained group by group is what a rebuild from every result gives.
    const maintained = await derivedContents(h);
    expect(maintained.leaderboard_rows!.length).toBeGreaterThan(0);
    expect(maintained.owner_facets!.length).toBeGreaterThan(0);
    await deriveAll(h.db);
    expect(await derivedContents(h)).toEqual(maintained);
  });

  it("are made current by the debounced pass an ingest schedules, without a read", async () => {
    const s = submission([1, 1.02, 1.04], "Debounced Device");
    expect((await ingestSubmission(h.db, s, null)).status).toBe("created");
    expect(await derivedPending(h.db)).toBe(true);
    scheduleDerive(h.db, 20);
    const until = Date.now() + 10_000;
    while ((await derivedPending(h.db)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(await derivedPending(h.db)).toBe(false);
    expect(await rows(h, "select 1 from owner_rows r join devices d on d.id = r.device_id where d.model = 'Debounced Device'")).not.toEqual([]);
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

describe.each(DB_KINDS)("a migration and the maintained tables on %s", (kind) => {
  it("keeps them through one that only adds (no rebuild at start), makes them again after one that changes results or drops one of them", async () => {
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as { entries: { idx: number; tag: string; when: number }[] };
    const latest = journal.entries.at(-1)!;
    /** This version's migrations and more after them (drizzle applies the ones dated after the newest applied). */
    const withMore = (more: [tag: string, sql: string][]) => {
      const dir = migrationsUpTo(latest.idx);
      const j = JSON.parse(fs.readFileSync(path.join(dir, "meta", "_journal.json"), "utf8")) as typeof journal;
      more.forEach(([tag, text], k) => {
        j.entries.push({ ...latest, idx: latest.idx + 1 + k, tag, when: latest.when + 1 + k });
        fs.writeFileSync(path.join(dir, `${tag}.sql`), text);
      });
      fs.writeFileSync(path.join(dir, "meta", "_journal.json"), JSON.stringify(j));
      return dir;
    };
    const adding: [string, string] = ["9998_add_a_column", 'ALTER TABLE "devices" ADD COLUMN "test_note" text, ADD COLUMN "test_rank" int;--> statement-breakpoint\nCREATE INDEX "devices_test_rank_idx" ON "devices" ("test_rank");'];
    const changing: [string, string] = ["9999_double_medians", "UPDATE workload_results SET median_ts = median_ts * 2;"];
    expect(migrationKeepsDerived(adding[1])).toBe(true);
    expect(migrationKeepsDerived(changing[1])).toBe(false);
    const dirs = [withMore([adding]), withMore([adding, changing])];
    const { h, drop } = await openUnmigrated(kind);
    try {
      // This version's database, its tables made, with a run's results.
      await migrate(h, MIGRATIONS_DIR);
      await insertOldCatalog(h);
      const id = "00000000-0000-4000-8000-000000000002";
      await insertOldSubmission(h, id);
      await h.db.execute(sql`insert into workload_results (submission_id, device_id, model_id, engine_id, backend, workload_id, n_prompt, n_gen, n_depth, status, samples_ns, samples_prompt_tokens, samples_gen_tokens, median_ts, plausible, published)
        values (${id}, 1, 1, 1, 'cpu', 'tg128', 0, 128, 0, 'ok', '{2000000000}'::bigint[], '{0}'::int[], '{128}'::int[], 64, true, true)`);
      await deriveAll(h.db);
      const cells = () => rows<{ x: string; median_ts: number }>(h, "select xmin::text as x, median_ts from owner_cells where workload_id = 'tg128'");
      const before = await cells();
      expect(before.map((c) => c.median_ts)).toEqual([64]);

      // A migration that only adds: the tables stay as they were (the same row versions), not made again.
      await migrate(h, dirs[0]);
      expect(await rows(h, "select count(*)::int as n from information_schema.columns where table_name = 'devices' and column_name = 'test_note'")).toEqual([{ n: 1 }]);
      expect(await cells()).toEqual(before);
      expect(await rows(h, "select hash from schema_objects where name = 'views'")).toEqual([{ hash: VIEWS_HASH }]);

      // One that changes the results: the tables are made again from them.
      await migrate(h, dirs[1]);
      expect((await cells()).map((c) => c.median_ts)).toEqual([128]);

      // One of the tables or triggers gone behind the module's back (the hash unchanged): made again at the next open.
      await h.db.execute(sql`drop table owner_lanes`);
      await h.db.execute(sql`drop trigger submissions_derive_update on submissions`);
      await migrate(h, dirs[1]);
      expect(await rows(h, "select count(*)::int as n from owner_lanes")).toEqual([{ n: 1 }]);
      expect(await rows(h, "select count(*)::int as n from pg_trigger where tgname = 'submissions_derive_update'")).toEqual([{ n: 1 }]);
      // And nothing made again at an open that finds them whole.
      const whole = await cells();
      await migrate(h, dirs[1]);
      expect(await cells()).toEqual(whole);
    } finally {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
      await drop();
    }
  });
});
