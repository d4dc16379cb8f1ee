/**
 * `npm run bench:pages`: anonymous page requests/s on a public server, rendered per request
 * (TOKENWATT_PAGE_CACHE_MB=0) and from the public page cache, measured side by side with wrk on the
 * real PostgreSQL filled with SYNTHETIC LOAD DATA (scripts/load-data.ts; the database is dropped
 * afterwards). Then publishes and times the first request after it (a render: the cache follows the
 * version row) and the ETag revalidation a CDN would make (304, no render).
 *
 * Needs `wrk` (apt-get install -y wrk). Env: BENCH_RESULTS (default 100000 workload results),
 * BENCH_SECONDS (per page and mode, default 8), BENCH_CONNECTIONS (default 8).
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
import { openDb } from "../lib/server/db/client";
import { setPublished } from "../lib/server/store/publish";
import { createPostgresDatabase } from "../harness/postgres";
import { startServer, type RunningServer } from "../harness/server";
import { fillLoadData } from "./load-data";

const RESULTS = Number(process.env.BENCH_RESULTS || 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 8);
const PAGES = ["/leaderboard", "/leaderboard?backend=cuda&sort=decode_j_per_token&dir=asc", "/compare?devices=1,2,3,4", "/devices/1", "/"];

function wrk(url: string): { rps: number; p50: string; p99: string; non2xx: number } {
  const out = execFileSync("wrk", ["-t2", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "--latency", url], { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = /\s50%\s+(\S+)/.exec(out)?.[1] ?? "?";
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1] ?? "?";
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50, p99, non2xx };
}

/** A GET with wrk's headers (no Accept-Encoding, unlike fetch), so that it warms the entry wrk reads. */
function plainGet(url: string): Promise<void> {
  return new Promise((resolve, reject) => http.get(url, (res) => res.resume().on("end", resolve)).on("error", reject));
}

async function measure(srv: RunningServer) {
  const out: Record<string, ReturnType<typeof wrk>> = {};
  for (const p of PAGES) {
    for (let i = 0; i < 3; i++) await plainGet(srv.url + p); // warm up (and fill the cache)
    out[p] = wrk(srv.url + p);
    console.error(`  ${p}: ${out[p]!.rps.toFixed(1)} req/s`);
  }
  return out;
}

async function main() {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
  } catch (e) {
    // wrk prints its version and exits 1; only a missing binary is an error.
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error("wrk is not installed: apt-get install -y wrk");
  }
  const dbase = await createPostgresDatabase();
  try {
    const h = await openDb({ databaseUrl: dbase.url });
    const f = await fillLoadData(h, RESULTS);
    await h.close();
    console.error(`${RESULTS.toLocaleString("en-US")} workload results (synthetic load data) loaded in ${f.loadS.toFixed(1)} s`);
    const env = { DATABASE_URL: dbase.url, TOKENWATT_PUBLIC: "1", TOKENWATT_WORKERS: "1" };

    console.error("rendered per request (TOKENWATT_PAGE_CACHE_MB=0):");
    let srv = await startServer({ ...env, TOKENWATT_PAGE_CACHE_MB: "0" });
    const uncached = await measure(srv).finally(() => srv.stop());

    console.error("public page cache (default):");
    srv = await startServer(env);
    try {
      const cached = await measure(srv);
      // A publish (here straight on the database, as `tokenwatt publish` does) reaches the cache at the next request.
      const first = await fetch(`${srv.url}/leaderboard`);
      const etag = first.headers.get("etag")!;
      await first.text();
      const h2 = await openDb({ databaseUrl: dbase.url });
      const t0 = performance.now();
      await setPublished(h2.db, { deviceIds: [1] }, false);
      const publishMs = performance.now() - t0;
      await h2.close();
      const t1 = performance.now();
      const after = await fetch(`${srv.url}/leaderboard`);
      await after.text();
      const afterMs = performance.now() - t1;
      const t2 = performance.now();
      const again = await fetch(`${srv.url}/leaderboard`);
      await again.text();
      const againMs = performance.now() - t2;
      const reval = await fetch(`${srv.url}/leaderboard`, { headers: { "if-none-match": again.headers.get("etag")! } });

      console.log(`\nAnonymous pages on a public server, ${RESULTS.toLocaleString("en-US")} workload results (synthetic load data), one server process, wrk -c${CONNECTIONS} ${SECONDS} s each\n`);
      console.log("| page | rendered req/s | p50 / p99 | cached req/s | p50 / p99 | cached / rendered |");
      console.log("|---|---:|---|---:|---|---:|");
      for (const p of PAGES) {
        const u = uncached[p]!;
        const c = cached[p]!;
        console.log(`| ${p} | ${u.rps.toFixed(1)} | ${u.p50} / ${u.p99} | ${c.rps.toFixed(0)} | ${c.p50} / ${c.p99} | ${(c.rps / u.rps).toFixed(0)}x |`);
        if (u.non2xx || c.non2xx) console.log(`|   (non-2xx: ${u.non2xx} rendered, ${c.non2xx} cached) | | | | | |`);
      }
      console.log(
        `\nPublish (hide device 1, refresh the views): ${publishMs.toFixed(0)} ms. First /leaderboard after it: ${after.headers.get("x-tokenwatt-cache")} in ${afterMs.toFixed(0)} ms ` +
          `(ETag ${etag} -> ${after.headers.get("etag")}); next: ${again.headers.get("x-tokenwatt-cache")} in ${againMs.toFixed(1)} ms; ` +
          `If-None-Match with the current ETag: ${reval.status}.`,
      );
    } finally {
      await srv.stop();
    }
  } finally {
    await dbase.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
