/**
 * `npm run bench:leaderboard`: the leaderboard and public pages at scale on the real PostgreSQL.
 *
 * Fills a fresh database with SYNTHETIC LOAD DATA (scripts/load-data.ts: devices named "LOAD
 * TEST", never shipped as content; the database is dropped afterwards): 10 workload results per
 * submission, one submission a minute back from now (so 10M results span 23 monthly partitions),
 * all published and plausible, at 1M and at 10M workload results. Refreshes the leaderboard views
 * (the cost of a publish), then times on the server (p50/p95 over repeated runs) the leaderboard
 * queries (default, filtered, sorted, facets: materialized views), compare, device, run and home
 * queries (the partitioned table), the owner's board with private runs (a live view over every
 * result), and the rendered /leaderboard page over HTTP on a public server, rendered and cached.
 *
 * Env: BENCH_SIZES (default "1000000,10000000"), TEST_DATABASE_URL (admin URL).
 */
import { sql } from "drizzle-orm";
import { openDb, rowsOf } from "../lib/server/db/client";
import { homeChart } from "../lib/server/read/home";
import { leaderboard, leaderboardFacets, leaderboardQuerySchema } from "../lib/server/read/leaderboard";
import { refreshLeaderboard } from "../lib/server/store/publish";
import { listResults } from "../lib/server/read/results";
import { compareDevices, deviceTimeline, getDevice, getRun } from "../lib/server/read/runs";
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
    const dbase = await createPostgresDatabase();
    const h = await openDb({ databaseUrl: dbase.url });
    try {
      const f = await fillLoadData(h, size);
      await h.db.execute(sql`vacuum analyze`);
      const one = async (q: string) => rowsOf<{ n: number }>(await h.db.execute(sql.raw(q)))[0]!.n;
      const count = await one("select count(*)::int as n from workload_results");
      const cells = await one("select count(*)::int as n from leaderboard_cells");
      const parts = await one("select count(*)::int as n from pg_inherits where inhparent = 'workload_results'::regclass");
      const sizeMb = await one("select (pg_total_relation_size('workload_results') + coalesce((select sum(pg_total_relation_size(inhrelid)) from pg_inherits where inhparent = 'workload_results'::regclass), 0)) / 1048576 as n");
      const t0 = performance.now();
      await refreshLeaderboard(h.db);
      const refreshS = (performance.now() - t0) / 1000;
      const note = `${count.toLocaleString("en-US")} workload results (synthetic load data) in ${parts} monthly partitions (${Math.round(Number(sizeMb)).toLocaleString("en-US")} MB with indexes), loaded in ${f.loadS.toFixed(0)} s; ${cells.toLocaleString("en-US")} leaderboard cells; first refresh ${f.refreshS.toFixed(1)} s, refresh after a publish (CONCURRENTLY) ${refreshS.toFixed(1)} s`;
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
          await deviceTimeline(h.db, 7, "public");
        }, 20),
        "run page": await timeIt(() => getRun(h.db, run, "public")),
        "home (latest published results, chart)": await timeIt(async () => {
          await listResults(h.db, { limit: 200, plausible: "all", format: "json" }, "public");
          await homeChart(h.db, "public");
        }, 20),
        // The owner's dashboard reads live views over every result (owner_rows over owner_cells), not the materialized ones.
        "owner's board with private runs (live view over all results)": await timeIt(() => h.db.execute(sql`select count(*) from owner_rows where pp_workload = 'pp512' and tg_workload = 'tg128'`), 2, 0),
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
