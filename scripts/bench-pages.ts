/**
 * `npm run bench:pages`: anonymous page requests on a public server with one server process, rendered
 * per request (TOKENWATT_PAGE_CACHE_MB=0) and from the public page cache, measured with wrk on the
 * real PostgreSQL filled with SYNTHETIC LOAD DATA (scripts/load-data.ts; the database is dropped
 * afterwards). Then publishes and times the first request after it (a render: the cache follows the
 * version row) and the ETag revalidation a CDN would make (304, no render).
 *
 * Each uncached page is measured twice: one request at a time (the render's own time, p50/p95, and the
 * server's CPU time per request from /proc) and `BENCH_CONNECTIONS` at once with wrk (requests/s, and
 * the latency with requests queued behind each other in the one process). It also reports each page's HTML bytes and how many of them are the inline
 * RSC payload (the props and tree sent to the browser for hydration).
 *
 * Needs `wrk` (apt-get install -y wrk). Env: BENCH_RESULTS (default 100000 workload results),
 * BENCH_SECONDS (per page and mode, default 8), BENCH_CONNECTIONS (default 8),
 * BENCH_BASE=<dir>: also serve the build of another checkout (its `.next`, e.g. a worktree of the
 * commit before a change) on the same database and measure both side by side, page by page, in
 * alternating order; BENCH_PROFILE=1: CPU profile (`node --cpu-prof`) of this checkout's uncached
 * server, self time per part of the code for each page (harness/cpu-profile.ts);
 * BENCH_CACHED=0: skip the page cache part.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDb } from "../lib/server/db/client";
import { setPublished } from "../lib/server/store/publish";
import { createPostgresDatabase } from "../harness/postgres";
import { groupPids, startServer, type RunningServer } from "../harness/server";
import { summarizeCpuProfile } from "../harness/cpu-profile";
import { fillLoadData } from "./load-data";

const RESULTS = Number(process.env.BENCH_RESULTS || 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 8);
const BASE = process.env.BENCH_BASE ? path.resolve(process.env.BENCH_BASE) : null;
const PROFILE = process.env.BENCH_PROFILE === "1";
const CACHED = process.env.BENCH_CACHED !== "0";
const PAGES = ["/leaderboard", "/leaderboard?backend=cuda&sort=decode_j_per_token&dir=asc", "/leaderboard?page=20", "/compare?devices=1,2,3,4", "/devices/1", "/models/1", "/"];

// wrk's own percentiles (its --latency table has no p95), in µs.
const LUA = path.join(os.tmpdir(), `bench-pages-${process.pid}.lua`);
fs.writeFileSync(LUA, `done = function(summary, latency, requests)\n  for _, p in pairs({50, 95, 99}) do io.write(string.format("p%d %d\\n", p, latency:percentile(p))) end\nend\n`);

interface Wrk {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  non2xx: number;
}

function wrk(url: string, connections: number): Wrk {
  const out = execFileSync("wrk", [`-t${Math.min(2, connections)}`, `-c${connections}`, `-d${SECONDS}s`, "-s", LUA, url], { encoding: "utf8" });
  const ms = (p: number) => Number(new RegExp(`^p${p} (\\d+)`, "m").exec(out)?.[1]) / 1000;
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50: ms(50),
    p95: ms(95),
    p99: ms(99),
    requests: Number(/(\d+) requests in/.exec(out)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** A GET with wrk's headers (no Accept-Encoding, unlike fetch), so that it warms the entry wrk reads; answers the body. */
function plainGet(url: string): Promise<string> {
  return new Promise((resolve, reject) =>
    http
      .get(url, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (body += d)).on("end", () => resolve(body));
      })
      .on("error", reject),
  );
}

/** The page's bytes and, of them, the inline RSC payload (`self.__next_f.push(...)` scripts). */
function pageBytes(html: string): { html: number; rsc: number } {
  let rsc = 0;
  for (const m of html.matchAll(/<script[^>]*>(self\.__next_f\.push\([\s\S]*?\))<\/script>/g)) rsc += Buffer.byteLength(m[1]!);
  return { html: Buffer.byteLength(html), rsc };
}

/** fetch, once more when the connection was closed under it (a kept-alive socket the server had just closed). */
async function fetchOnce(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 1 : 0)} ms`);
const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;

interface PageFigures {
  /** One request at a time: latency p50/p95 (ms), and the server's CPU time per request (ms, all its processes). */
  serial: { p50: number; p95: number; n: number; cpuMs: number; non2xx: number };
  loaded: Wrk;
  bytes: { html: number; rsc: number };
  /** The process-clock window of the page's runs (µs), for the CPU profile. */
  window: { fromUs: number; toUs: number };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One GET on a kept-alive connection: its status and wall time (ms). */
function timedGet(url: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) =>
    http
      .get(url, { agent }, (res) => res.resume().on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 })))
      .on("error", reject),
  );
}

const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** CPU time (user + system, ms) of a server's processes so far. */
function cpuMsOf(srv: RunningServer): number {
  let ms = 0;
  for (const pid of groupPids(srv.pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ms += (Number(f[11]) + Number(f[12])) * TICK_MS;
    } catch {
      /* process went away */
    }
  }
  return ms;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

/**
 * One request at a time for SECONDS, to each server in turn (request by request when there are two),
 * so that both see the same load on this shared machine: each request's wall time and each server's
 * CPU time per request.
 */
async function serialRuns(servers: RunningServer[], p: string): Promise<PageFigures["serial"][]> {
  const times = servers.map(() => [] as number[]);
  const non2xx = servers.map(() => 0);
  const cpu0 = servers.map(cpuMsOf);
  const end = performance.now() + SECONDS * 1000 * servers.length;
  while (performance.now() < end) {
    for (const [i, srv] of servers.entries()) {
      const r = await timedGet(srv.url + p);
      times[i]!.push(r.ms);
      if (r.status !== 200) non2xx[i]!++;
    }
  }
  return servers.map((srv, i) => ({ p50: pct(times[i]!, 50), p95: pct(times[i]!, 95), n: times[i]!.length, cpuMs: (cpuMsOf(srv) - cpu0[i]!) / times[i]!.length, non2xx: non2xx[i]! }));
}

/** The page on each server: warm-up, one request at a time (interleaved), then CONNECTIONS at once with wrk on each in turn. */
async function measurePage(servers: RunningServer[], p: string): Promise<PageFigures[]> {
  const bodies: string[] = [];
  for (const srv of servers) for (let i = 0; i < 3; i++) bodies[servers.indexOf(srv)] = await plainGet(srv.url + p); // warm up (and fill the cache)
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const serial = await serialRuns(servers, p);
  const loaded = servers.map((srv) => wrk(srv.url + p, CONNECTIONS));
  const toUs = Number(process.hrtime.bigint() / 1000n);
  return servers.map((_, i) => ({ serial: serial[i]!, loaded: loaded[i]!, bytes: pageBytes(bodies[i]!), window: { fromUs, toUs } }));
}

const load = () => os.loadavg().map((x) => x.toFixed(1)).join(", ");

/** The serving process's pid: with `--cpu-prof bin/server.mjs` and one worker it is the process started. */
function printProfile(dir: string, pid: number, figures: Record<string, PageFigures>) {
  const file = fs.readdirSync(dir).find((f) => f.includes(`.${pid}.`));
  if (!file) return console.log(`\nno CPU profile of the server in ${dir} (it did not exit cleanly)`);
  console.log(`\nCPU profile of the uncached server (${dir}/${file}), per page: self time per request, by part of the code\n`);
  for (const p of PAGES) {
    const f = figures[p]!;
    const n = f.serial.n + f.loaded.requests;
    const s = summarizeCpuProfile(path.join(dir, file), { window: f.window, top: 12 });
    const per = (x: number) => (x / Math.max(1, n)).toFixed(2);
    console.log(`\n**${p}**: ${n} requests, busy ${per(s.busyMs)} ms of CPU per request\n`);
    console.log("| part of the code | ms per request | share |\n|---|---:|---:|");
    for (const x of s.parts.slice(0, 10)) console.log(`| ${x.name} | ${per(x.selfMs)} | ${(x.share * 100).toFixed(1)}% |`);
    console.log("\n| function | where | ms per request | share |\n|---|---|---:|---:|");
    for (const x of s.functions) console.log(`| ${x.name} | ${x.where} | ${per(x.selfMs)} | ${(x.share * 100).toFixed(1)}% |`);
  }
}

async function main() {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
  } catch (e) {
    // wrk prints its version and exits 1; only a missing binary is an error.
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error("wrk is not installed: apt-get install -y wrk");
  }
  if (BASE && !fs.existsSync(path.join(BASE, ".next", "BUILD_ID"))) throw new Error(`BENCH_BASE=${BASE} has no build: run \`next build\` there first`);
  const dbase = await createPostgresDatabase();
  const profileDir = PROFILE ? fs.mkdtempSync(path.join(os.tmpdir(), "tw-cpuprof-")) : null;
  try {
    const h = await openDb({ databaseUrl: dbase.url });
    const f = await fillLoadData(h, RESULTS);
    // Statistics and visibility maps, as autovacuum would leave them on a production database (it is
    // off on this shared development server; bench:leaderboard does the same): without them every
    // query here is planned for tables of a few rows.
    await h.db.execute(sql`vacuum analyze`);
    await h.close();
    console.error(`${RESULTS.toLocaleString("en-US")} workload results (synthetic load data) loaded in ${f.loadS.toFixed(1)} s`);
    const env = { DATABASE_URL: dbase.url, TOKENWATT_PUBLIC: "1", TOKENWATT_WORKERS: "1" };
    const uncachedEnv = { ...env, TOKENWATT_PAGE_CACHE_MB: "0" };

    console.error(`rendered per request (TOKENWATT_PAGE_CACHE_MB=0)${BASE ? `, this checkout and ${BASE} side by side` : ""}:`);
    // bin/server.mjs (the serving process itself, one worker) under the profiler; start.mjs otherwise.
    const srv = await startServer(uncachedEnv, profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "bin/server.mjs"] : undefined);
    const base = BASE ? await startServer(uncachedEnv, [path.join(BASE, "bin/start.mjs")]).catch(async (e) => (await srv.stop(), Promise.reject(e))) : null;
    const uncached: Record<string, PageFigures> = {};
    const before: Record<string, PageFigures> = {};
    const loadBefore = load();
    try {
      for (const [i, p] of PAGES.entries()) {
        // Alternating which goes first, so that neither always runs in the other's wake.
        const order = base ? (i % 2 === 0 ? [base, srv] : [srv, base]) : [srv];
        const got = await measurePage(order, p);
        uncached[p] = got[order.indexOf(srv)]!;
        if (base) before[p] = got[order.indexOf(base)]!;
        console.error(`  ${p}: ${uncached[p]!.loaded.rps.toFixed(1)} req/s${base ? ` (base ${before[p]!.loaded.rps.toFixed(1)})` : ""}, load ${load()}`);
      }
    } finally {
      await srv.stop();
      await base?.stop();
    }
    const loadAfter = load();

    console.log(`\nAnonymous pages rendered per request (TOKENWATT_PAGE_CACHE_MB=0) on a public server, ${RESULTS.toLocaleString("en-US")} workload results (synthetic load data), one server process, ${os.cpus().length} cores, ${SECONDS} s per page and mode; load average ${loadBefore} before, ${loadAfter} after${PROFILE ? "; this checkout under the CPU profiler" : ""}\n`);
    console.log(
      `one request at a time${base ? " (to the two servers in turn, request by request)" : ""}: the render's wall time p50 / p95 and the server's CPU time per request; ` +
        `${CONNECTIONS} at once (wrk -c${CONNECTIONS}): requests/s, and latency with requests queued in the one process\n`,
    );
    const row = (label: string, x: PageFigures) =>
      `| ${label} | ${ms(x.serial.p50)} / ${ms(x.serial.p95)} | ${x.serial.cpuMs.toFixed(0)} ms | ${x.loaded.rps.toFixed(1)} | ${ms(x.loaded.p50)} / ${ms(x.loaded.p95)} / ${ms(x.loaded.p99)} | ${kb(x.bytes.html)} (${kb(x.bytes.rsc)}) |` +
      (x.serial.non2xx || x.loaded.non2xx ? ` non-2xx: ${x.serial.non2xx + x.loaded.non2xx}` : "");
    console.log(`| page | one at a time p50 / p95 | CPU per request | -c${CONNECTIONS} req/s | -c${CONNECTIONS} p50 / p95 / p99 | HTML (of it RSC payload) |`);
    console.log("|---|---|---:|---:|---|---|");
    for (const p of PAGES) {
      if (base) console.log(row(`${p} before`, before[p]!));
      console.log(row(base ? `${p} after` : p, uncached[p]!));
    }
    if (profileDir) printProfile(profileDir, srv.pid, uncached);

    if (!CACHED) return;
    console.error("public page cache (default):");
    const csrv = await startServer(env);
    try {
      const cached: Record<string, Wrk> = {};
      for (const p of PAGES) {
        for (let i = 0; i < 3; i++) await plainGet(csrv.url + p);
        cached[p] = wrk(csrv.url + p, CONNECTIONS);
      }
      // A publish (here straight on the database, as `tokenwatt publish` does) reaches the cache at the next request.
      const first = await fetchOnce(`${csrv.url}/leaderboard`);
      const etag = first.headers.get("etag")!;
      await first.text();
      const h2 = await openDb({ databaseUrl: dbase.url });
      const t0 = performance.now();
      await setPublished(h2.db, { deviceIds: [1] }, false);
      const publishMs = performance.now() - t0;
      await h2.close();
      const t1 = performance.now();
      const after = await fetchOnce(`${csrv.url}/leaderboard`);
      await after.text();
      const afterMs = performance.now() - t1;
      const t2 = performance.now();
      const again = await fetchOnce(`${csrv.url}/leaderboard`);
      await again.text();
      const againMs = performance.now() - t2;
      const reval = await fetchOnce(`${csrv.url}/leaderboard`, { headers: { "if-none-match": again.headers.get("etag")! } });

      console.log(`\nFrom the public page cache, wrk -c${CONNECTIONS}, load average ${load()}\n`);
      console.log(`| page | cached req/s | p50 / p95 / p99 | cached / rendered (-c${CONNECTIONS}) |`);
      console.log("|---|---:|---|---:|");
      for (const p of PAGES) {
        const c = cached[p]!;
        console.log(`| ${p} | ${c.rps.toFixed(0)} | ${ms(c.p50)} / ${ms(c.p95)} / ${ms(c.p99)} | ${(c.rps / uncached[p]!.loaded.rps).toFixed(0)}x |${c.non2xx ? ` non-2xx: ${c.non2xx}` : ""}`);
      }
      console.log(
        `\nPublish (hide device 1: its groups made again): ${publishMs.toFixed(0)} ms. First /leaderboard after it: ${after.headers.get("x-tokenwatt-cache")} in ${afterMs.toFixed(0)} ms ` +
          `(ETag ${etag} -> ${after.headers.get("etag")}); next: ${again.headers.get("x-tokenwatt-cache")} in ${againMs.toFixed(1)} ms; ` +
          `If-None-Match with the current ETag: ${reval.status}.`,
      );
    } finally {
      await csrv.stop();
    }
  } finally {
    await dbase.drop();
    fs.rmSync(LUA, { force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
