/**
 * `npm run bench:leaderboard`: leaderboard speed at scale on the real PostgreSQL.
 *
 * Fills a fresh database with SYNTHETIC LOAD DATA (devices named "LOAD TEST", never shipped as
 * content; the database is dropped afterwards): 10 workload results per submission, all published
 * and plausible, at 10,000 and at 1,000,000 workload results. Refreshes the leaderboard view, then
 * times the leaderboard queries (default board, filtered, sorted), the facet and compare queries on the server
 * (p50/p95 over repeated runs), and the rendered /leaderboard page over HTTP.
 *
 * Env: BENCH_SIZES (default "10000,1000000"), TEST_DATABASE_URL (admin URL).
 */
import { sql } from "drizzle-orm";
import { openDb, rowsOf } from "../lib/server/db/client";
import { leaderboard, leaderboardFacets, leaderboardQuerySchema } from "../lib/server/read/leaderboard";
import { compareDevices } from "../lib/server/read/runs";
import { percentile } from "../lib/core/measure/stats";
import { createPostgresDatabase } from "../tests/helpers/db";
import { startServer } from "../tests/helpers/server";
import { fillLoadData } from "./load-data";

const SIZES = (process.env.BENCH_SIZES || "10000,1000000").split(",").map(Number);
async function timeIt(fn: () => Promise<unknown>, n = 40) {
  for (let k = 0; k < 3; k++) await fn();
  const xs: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return { p50: percentile(xs, 50), p95: percentile(xs, 95) };
}

async function main() {
  const out: Record<number, Record<string, { p50: number; p95: number }>> = {};
  for (const size of SIZES) {
    const dbase = await createPostgresDatabase();
    const h = await openDb({ databaseUrl: dbase.url });
    try {
      const f = await fillLoadData(h, size);
      const count = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from workload_results`))[0]!.n;
      const cells = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from leaderboard_cells`))[0]!.n;
      console.error(`${count} workload results (synthetic load data) loaded in ${f.loadS.toFixed(1)} s; ${cells} leaderboard cells, refresh ${f.refreshS.toFixed(2)} s`);
      const q = (p: Record<string, string>) => leaderboardQuerySchema.parse(p);
      const r: Record<string, { p50: number; p95: number }> = {
        "leaderboard, default": await timeIt(() => leaderboard(h.db, q({}))),
        "leaderboard, filtered (backend+size+quant)": await timeIt(() => leaderboard(h.db, q({ backend: "cuda", size: "1-3B", quant: "Q4_0" }))),
        "leaderboard, sorted by decode J/token": await timeIt(() => leaderboard(h.db, q({ sort: "decode_j_per_token", dir: "asc" }))),
        "facets": await timeIt(() => leaderboardFacets(h.db)),
        "compare 4 devices": await timeIt(() => compareDevices(h.db, [1, 2, 3, 4])),
      };
      await h.close();
      const srv = await startServer({ DATABASE_URL: dbase.url });
      try {
        r["page /leaderboard over HTTP"] = await timeIt(async () => {
          const res = await fetch(`${srv.url}/leaderboard`);
          await res.text();
        }, 20);
      } finally {
        await srv.stop();
      }
      out[size] = r;
    } finally {
      await dbase.drop();
    }
  }
  const [small, large] = SIZES;
  console.log(`\nLeaderboard on PostgreSQL (synthetic load data), milliseconds\n`);
  console.log(`| query | ${SIZES.map((s) => `p50 @ ${s.toLocaleString("en-US")}`).join(" | ")} | ${SIZES.map((s) => `p95 @ ${s.toLocaleString("en-US")}`).join(" | ")} | p95 ratio |`);
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
