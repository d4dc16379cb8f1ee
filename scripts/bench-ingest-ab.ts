/**
 * `npx tsx scripts/bench-ingest-ab.ts OTHER_CHECKOUT`: this checkout's ingest against another's (a
 * git worktree of an older commit, with its own build), side by side. On a shared machine whose
 * load moves from minute to minute, two benches run a few minutes apart do not compare; here both
 * servers run at once, each on its own fresh database, and short wrk runs alternate between them
 * (the order swapped each round), so both see the same load. Per server and client count: the
 * median and range over the rounds of submissions/s, of the server's CPU time per submission
 * (its process tree's user + system time over the run) and of PostgreSQL's (the backends connected to
 * that server's database: its ingest calls, its token checks, its leaderboard passes), with the load
 * average.
 *
 * Options (env): BENCH_ROUNDS (default 5), BENCH_SECONDS (per run, default 5), TEST_DATABASE_URL;
 * BENCH_THIS_ENV and BENCH_OTHER_ENV: a JSON object of environment variables for one server only
 * (`OTHER_CHECKOUT` may be `.`: one build, two settings, e.g. '{"NODE_OPTIONS":"--max-semi-space-size=32"}').
 * The server's settings are otherwise bench:ingest's (limits out of the way, default workers).
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeSubmission } from "../harness/fixtures";
import { createPostgresDatabase } from "../harness/postgres";
import { startServer, UNLIMITED_INGEST_ENV, type RunningServer } from "../harness/server";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 5);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);

/** User + system CPU time of a process group, ms (clock ticks of 10 ms). */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[2]) === pgid) ticks += Number(rest[11]) + Number(rest[12]);
    } catch {
      /* process went away */
    }
  }
  return ticks * 10;
}

function wrk(url: string, token: string, clients: number, seconds: number, bodyFile: string): Promise<{ ok: number; perSec: number }> {
  return new Promise((resolve, reject) => {
    const c = spawn("wrk", ["-t", String(Math.min(2, clients)), "-c", String(clients), "-d", `${seconds}s`, "-s", path.join(import.meta.dirname, "bench-ingest.lua"), url], {
      env: { ...process.env, BODY_FILE: bodyFile, TOKEN: token },
    });
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.on("error", reject);
    c.on("close", () => {
      const m = /RESULT requests=(\d+) failed=(\d+) p50_us=\d+ p95_us=\d+ duration_us=(\d+)/.exec(out);
      if (!m) return reject(new Error(`wrk failed: ${out}`));
      const ok = Number(m[1]) - Number(m[2]);
      resolve({ ok, perSec: (ok * 1e6) / Number(m[3]) });
    });
  });
}

/** User + system CPU time of the PostgreSQL backends connected to one database, ms (a backend is one pool connection: it lives through the runs). */
function backendsCpuMs(url: string): number {
  const pids = execFileSync("psql", [url, "-At", "-c", "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch {
      /* backend went away */
    }
  }
  return ticks * 10;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const other = process.argv[2];
  if (!other || !fs.existsSync(path.join(other, "bin/start.mjs"))) throw new Error("usage: tsx scripts/bench-ingest-ab.ts OTHER_CHECKOUT (a checkout with its own build)");
  const envOf = (name: string): Record<string, string> => {
    const text = process.env[name];
    if (!text) return {};
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new Error(`${name} must be a JSON object of strings, e.g. '{"TOKENWATT_WORKERS":"2"}': ${(e as Error).message}`);
    }
    if (!v || typeof v !== "object" || Array.isArray(v) || Object.values(v).some((x) => typeof x !== "string")) throw new Error(`${name} must be a JSON object of strings`);
    return v as Record<string, string>;
  };
  const label = (dir: string, env: Record<string, string>) => `${path.basename(dir)}${Object.keys(env).length ? ` ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}` : ""}`;
  const thisEnv = envOf("BENCH_THIS_ENV");
  const otherEnv = envOf("BENCH_OTHER_ENV");
  const checkouts = [
    { name: `this (${label(process.cwd(), thisEnv)})`, dir: process.cwd(), env: thisEnv },
    { name: `other (${label(path.resolve(other), otherEnv)})`, dir: path.resolve(other), env: otherEnv },
  ];
  const bodyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tw-ab-")), "body.json");
  fs.writeFileSync(bodyFile, JSON.stringify(makeSubmission({ workloads: 10, id: "__ID__" })));
  const started: { name: string; srv: RunningServer; token: string; dbUrl: string; drop: () => Promise<void>; runs: Map<number, { perSec: number; cpuMs: number; pgMs: number }[]> }[] = [];
  try {
    for (const c of checkouts) {
      const db = await createPostgresDatabase();
      const srv = await startServer(
        {
          DATABASE_URL: db.url,
          ...UNLIMITED_INGEST_ENV,
          ...c.env,
        },
        [path.join(c.dir, "bin/start.mjs")],
      );
      const token = execFileSync(process.execPath, [path.join(c.dir, "bin/tokenwatt.mjs"), "token", "create", "--name", "bench"], { env: srv.env, cwd: c.dir, encoding: "utf8" }).trim().split("\n").pop()!;
      started.push({ name: c.name, srv, token, dbUrl: db.url, drop: db.drop, runs: new Map() });
    }
    for (const s of started) await wrk(s.srv.url, s.token, 4, 2, bodyFile); // warm-up: JIT, pools, dimension rows
    const loads: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const clients of [1, 16]) {
        for (const s of round % 2 ? [...started].reverse() : started) {
          const cpu0 = groupCpuMs(s.srv.pid);
          const pg0 = backendsCpuMs(s.dbUrl);
          const r = await wrk(s.srv.url, s.token, clients, SECONDS, bodyFile);
          const cpuMs = (groupCpuMs(s.srv.pid) - cpu0) / Math.max(1, r.ok);
          const pgMs = (backendsCpuMs(s.dbUrl) - pg0) / Math.max(1, r.ok);
          s.runs.set(clients, [...(s.runs.get(clients) ?? []), { perSec: r.perSec, cpuMs, pgMs }]);
          loads.push(os.loadavg()[0]!);
        }
      }
    }
    console.log(`\nIngest side by side: ${ROUNDS} rounds of ${SECONDS} s runs alternating between the two servers, ${os.cpus().length} cores, load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} (median ${median(loads).toFixed(1)})\n`);
    console.log("| checkout | clients | submissions/s, median (range) | server CPU ms per submission, median (range) | PostgreSQL CPU ms per submission (its database's backends), median (range) |\n|---|---|---|---|---|");
    for (const clients of [1, 16]) {
      for (const s of started) {
        const runs = s.runs.get(clients)!;
        const range = (xs: number[], d: number) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;
        console.log(`| ${s.name} | ${clients} | ${range(runs.map((r) => r.perSec), 0)} | ${range(runs.map((r) => r.cpuMs), 2)} | ${range(runs.map((r) => r.pgMs), 2)} |`);
      }
    }
  } finally {
    for (const s of started) {
      await s.srv.stop();
      await s.drop();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
