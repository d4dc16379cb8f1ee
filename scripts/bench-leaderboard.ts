/**
 * `npm run bench:leaderboard`: the leaderboard and public pages at scale on the real PostgreSQL.
 *
 * Fills a fresh database with SYNTHETIC LOAD DATA (scripts/load-data.ts: devices named "LOAD
 * TEST", never shipped as content; the database is dropped afterwards): 10 workload results per
 * submission, one submission a minute back from now (so 10M results span 23 monthly partitions),
 * all published and plausible, at 1M and at 10M workload results. Builds the leaderboard's tables
 * from every result (what a changed lib/server/db/views.ts costs at migrate), then times on the server
 * (p50/p95 over repeated runs) the public leaderboard queries (default, filtered, sorted, facets),
 * compare, device (a device with 20,000 results at 10M), run and home queries, the same for the
 * owner's audience (their tables: runs published or not), a publish and a hide of one run and of
 * ten (the groups those runs belong to made again in the publish's transaction), and the rendered
 * /leaderboard page over HTTP on a public server, rendered and cached.
 *
 * Env: BENCH_SIZES (default "1000000,10000000"), TEST_DATABASE_URL (admin URL), BENCH_REUSE_URL: a
 * database this bench's load data already fills (one size: BENCH_SIZES names it), timed as it is
 * and kept (a 10M load and build takes about 12 minutes; migrations pending there are applied first).
 */
import { sql } from "drizzle-orm";
import { openDb, rowsOf } from "../lib/server/db/client";
import { homeChart } from "../lib/server/read/home";
import { leaderboard, leaderboardFacets, leaderboardQuerySchema } from "../lib/server/read/leaderboard";
import { setPublished } from "../lib/server/store/publish";
import { enginesSideBySide, nativeVsBrowser } from "../lib/server/read/runs";
import { bestPerWorkload } from "../lib/server/read/device-summary";
import { listResults } from "../lib/server/read/results";
import { compareDevices, deviceTimelinePage, getDevice, getRun } from "../lib/server/read/runs";
import { percentile } from "../lib/core/measure/stats";
import { createPostgresDatabase } from "../harness/postgres";
import { startServer } from "../harness/server";
import { fillLoadData } from "./load-data";

const SIZES = (process.env.BENCH_SIZES || "1000000,10000000").split(",").map(Number);
async function timeIt(fn: () => Promise<unknown>, n = 40, warmup = 3) {
  for (let k = 0; k < warmup; k++) await fn();
  const xs: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return { p50: percentile(xs, 50), p95: percentile(xs, 95) };
}

async function main() {
  // The queries as a public server runs them (published results only; the home chart from the materialized cells).
  process.env.TOKENWATT_PUBLIC = "1";
  const out: Record<number, Record<string, { p50: number; p95: number }>> = {};
  const notes: string[] = [];
  for (const size of SIZES) {
    const reuse = process.env.BENCH_REUSE_URL;
    const dbase = reuse ? { url: reuse, drop: async () => {} } : await createPostgresDatabase();
    const h = await openDb({ databaseUrl: dbase.url });
    try {
      const f = reuse ? null : await fillLoadData(h, size);
      await h.db.execute(sql`vacuum analyze`);
      const one = async (q: string) => rowsOf<{ n: number }>(await h.db.execute(sql.raw(q)))[0]!.n;
      const count = await one("select count(*)::int as n from workload_results");
      const cells = await one("select count(*)::int as n from leaderboard_cells");
      const parts = await one("select count(*)::int as n from pg_inherits where inhparent = 'workload_results'::regclass");
      const sizeMb = await one("select (pg_total_relation_size('workload_results') + coalesce((select sum(pg_total_relation_size(inhrelid)) from pg_inherits where inhparent = 'workload_results'::regclass), 0)) / 1048576 as n");
      // Publishing: one run hidden and published again, then ten runs of ten devices (their groups made again in the transaction).
      const ids = rowsOf<{ id: string }>(await h.db.execute(sql`select id from submissions order by started_at desc limit 10`)).map((x) => x.id);
      const publish = async (which: string[]) => {
        await setPublished(h.db, { submissionIds: which }, false);
        await setPublished(h.db, { submissionIds: which }, true);
      };
      const publishOne = await timeIt(() => publish(ids.slice(0, 1)), 5, 1);
      const publishTen = await timeIt(() => publish(ids), 5, 1);
      const note = `${count.toLocaleString("en-US")} workload results (synthetic load data) in ${parts} monthly partitions (${Math.round(Number(sizeMb)).toLocaleString("en-US")} MB with indexes), ${f ? `loaded in ${f.loadS.toFixed(0)} s` : "loaded before (BENCH_REUSE_URL)"}; ${cells.toLocaleString("en-US")} leaderboard cells${f ? `; the tables built from every result in ${f.refreshS.toFixed(1)} s` : ""}`;
      console.error(note);
      notes.push(note);
      const q = (p: Record<string, string>) => leaderboardQuerySchema.parse(p);
      const run = rowsOf<{ id: string }>(await h.db.execute(sql`select id from submissions order by started_at desc limit 1`))[0]!.id;
      const r: Record<string, { p50: number; p95: number }> = {
        "leaderboard, default": await timeIt(() => leaderboard(h.db, q({}))),
        "leaderboard, filtered (backend+size+quant)": await timeIt(() => leaderboard(h.db, q({ backend: "cuda", size: "1-3B", quant: "Q4_0" }))),
        "leaderboard, sorted by decode J/token": await timeIt(() => leaderboard(h.db, q({ sort: "decode_j_per_token", dir: "asc" }))),
        "facets": await timeIt(() => leaderboardFacets(h.db)),
        "compare 4 devices": await timeIt(() => compareDevices(h.db, [1, 2, 3, 4], "public")),
        "device page (device, runs, timeline)": await timeIt(async () => {
          await getDevice(h.db, 7, "public");
          await deviceTimelinePage(h.db, 7, "public");
        }, 20),
        "run page": await timeIt(() => getRun(h.db, run, "public")),
        // The home page's reads: its newest 50 results (app/page.tsx HOME_RESULTS; 200 until the page read fewer) and its chart.
        "home (latest published results, chart)": await timeIt(async () => {
          await listResults(h.db, { limit: 50, plausible: "all", format: "json" }, "public");
          await homeChart(h.db, "public");
        }, 20),
        "device page, summary, engines and native vs browser": await timeIt(async () => {
          await bestPerWorkload(h.db, 7, "public");
          await enginesSideBySide(h.db, 7, "public");
          await nativeVsBrowser(h.db, 7, "public");
        }, 20),
        // The owner's audience: their tables (runs published or not), made current before each read.
        "owner: leaderboard with private runs": await timeIt(() => leaderboard(h.db, q({ private: "1" }), "owner")),
        "owner: facets": await timeIt(() => leaderboardFacets(h.db, "owner")),
        "owner: compare 4 devices": await timeIt(() => compareDevices(h.db, [1, 2, 3, 4], "owner")),
        "owner: device page (device, runs, timeline)": await timeIt(async () => {
          await getDevice(h.db, 7, "owner");
          await deviceTimelinePage(h.db, 7, "owner");
        }, 20),
        "owner: home (latest results, chart)": await timeIt(async () => {
          await listResults(h.db, { limit: 50, plausible: "all", format: "json" }, "owner");
          await homeChart(h.db, "owner");
        }, 20),
        // A run of device 7 (20,000 results at 10M) just arrived: the owner's next read makes its group again first.
        "owner: leaderboard right after a run arrived": await timeIt(async () => {
          await h.db.execute(sql`insert into derived_queue select device_id, model_id, engine_id, backend, false from submissions where device_id = 7 limit 1`);
          await leaderboard(h.db, q({ private: "1" }), "owner");
        }, 20),
        "publish + hide one run (groups made again)": publishOne,
        "publish + hide ten runs of ten devices": publishTen,
      };
      await h.close();
      // The rendered page on a public server: every request rendered, then from the page cache.
      for (const [label, cacheMb] of [["page /leaderboard over HTTP, rendered", "0"], ["page /leaderboard over HTTP, page cache", "64"]] as const) {
        const srv = await startServer({ DATABASE_URL: dbase.url, TOKENWATT_PUBLIC: "1", TOKENWATT_WORKERS: "1", TOKENWATT_PAGE_CACHE_MB: cacheMb });
        try {
          r[label] = await timeIt(async () => {
            const res = await fetch(`${srv.url}/leaderboard`);
            await res.text();
          }, 20);
        } finally {
          await srv.stop();
        }
      }
      out[size] = r;
    } finally {
      await h.close().catch(() => {});
      await dbase.drop();
    }
  }
  const [small, large] = SIZES;
  console.log(`\nLeaderboard and public pages on PostgreSQL (synthetic load data), milliseconds\n`);
  for (const n of notes) console.log(`- ${n}`);
  console.log(`\n| query | ${SIZES.map((s) => `p50 @ ${s.toLocaleString("en-US")}`).join(" | ")} | ${SIZES.map((s) => `p95 @ ${s.toLocaleString("en-US")}`).join(" | ")} | p95 ratio |`);
  console.log(`|---|${SIZES.map(() => "---:").join("|")}|${SIZES.map(() => "---:").join("|")}|---:|`);
  for (const k of Object.keys(out[small!]!)) {
    const p50s = SIZES.map((s) => out[s]![k]!.p50.toFixed(1));
    const p95s = SIZES.map((s) => out[s]![k]!.p95.toFixed(1));
    const ratio = large ? (out[large]![k]!.p95 / out[small!]![k]!.p95).toFixed(2) : "-";
    console.log(`| ${k} | ${p50s.join(" | ")} | ${p95s.join(" | ")} | ${ratio} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
