/**
 * `npm run bench:device-page`: the device page's reads for one device with 20,000 results, on the real
 * PostgreSQL filled with SYNTHETIC LOAD DATA (scripts/load-data.ts; the database is dropped
 * afterwards): 100,000 results, then 1,990 runs moved to device 7 (model 1, cpu) so that it holds
 * about 20,000. Prints the median and max of 9 calls of each read and the EXPLAIN ANALYZE of the
 * timeline (docs/scale.md, "Bounded device pages").
 */
import { sql } from "drizzle-orm";
import { openDb, rowsOf, type Db } from "../lib/server/db/client";
import { createPostgresDatabase } from "../harness/postgres";
import { fillLoadData } from "./load-data";
import { deviceTimeline, enginesSideBySide, getDevice, nativeVsBrowser } from "../lib/server/read/runs";

async function timeIt(name: string, f: () => Promise<unknown>) {
  const xs: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    await f();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  console.log(`| ${name} | ${xs[4]!.toFixed(1)} | ${xs[8]!.toFixed(1)} |`);
}

async function main() {
  const dbase = await createPostgresDatabase();
  const h = await openDb({ databaseUrl: dbase.url });
  try {
    await fillLoadData(h, 100_000);
    await h.db.execute(sql`update submissions set device_id = 7, model_id = 1, backend = 'cpu' where id in (select id from submissions where device_id <> 7 order by started_at desc limit 1990)`);
    await h.db.execute(sql`update workload_results wr set device_id = 7, model_id = 1, backend = 'cpu' from submissions s where s.id = wr.submission_id and s.device_id = 7`);
    // The load data's figures are avg_ts; the timeline reads median_ts.
    await h.db.execute(sql`update workload_results set median_ts = avg_ts where device_id = 7`);
    await h.db.execute(sql`analyze`);
    const [n] = rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from workload_results where device_id = 7`));
    console.log(`Device 7: ${n!.n.toLocaleString("en-US")} results (synthetic load data), public audience, 9 calls each\n`);
    console.log("| read | median ms | max ms |\n|---|---:|---:|");
    await timeIt("deviceTimeline", () => deviceTimeline(h.db, 7, "public"));
    await timeIt("deviceTimeline, owner", () => deviceTimeline(h.db, 7, "owner"));
    await timeIt("getDevice (a page of runs, counts)", () => getDevice(h.db, 7, "public"));
    await timeIt("enginesSideBySide", () => enginesSideBySide(h.db, 7, "public"));
    await timeIt("nativeVsBrowser", () => nativeVsBrowser(h.db, 7, "public"));
    // The timeline's plan: its one query run under EXPLAIN ANALYZE (the read's own parsing then sees no rows).
    const explain = {
      execute: async (q: Parameters<Db["execute"]>[0]) => {
        const r = await h.db.execute(sql`explain (analyze, buffers) ${q}`);
        console.log("\n" + rowsOf<Record<string, string>>(r).map((x) => Object.values(x)[0]).join("\n"));
        return { rows: [] };
      },
    } as unknown as Db;
    await deviceTimeline(explain, 7, "public");
  } finally {
    await h.close();
    await dbase.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
