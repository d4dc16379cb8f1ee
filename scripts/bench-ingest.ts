/**
 * `npm run bench:ingest`: ingest throughput through the HTTP API into the real PostgreSQL.
 *
 * Starts the production server (bin/start.mjs) on a fresh database, posts submissions of 10
 * workloads each with 1 and with 16 concurrent clients for a fixed time, and reports
 * submissions/s, the server's memory (RSS of its process tree) idle and under load, and two
 * pgbench runs on the same machine in the same run (on a database of their own, `pgbenchDatabase`): the same ingest call the server makes (the
 * `tokenwatt_ingest` function with the same rows: what the database alone can take, the ceiling of
 * the whole path) and a minimal row shape (1 parent + 10 child rows per transaction: what the
 * database takes for a plain insert). Then five 1 MB submissions at once, with /api/health timed
 * while they are read: what large bodies cost the server's thread. The load generator shares the
 * cores with the server.
 *
 * Per submission it reports the server's CPU time (the process tree's user + system time over
 * the run, divided by the submissions stored), PostgreSQL's (every postgres process, exited backends
 * included), the rest of the machine's busy time (wrk, anything else running), the transactions
 * (xids) per submission (fewer than two where ingest calls shared a commit), and what one ingest call
 * writes (EXPLAIN ANALYZE with WAL: rows, WAL records and bytes): figures that hold on a busy
 * machine, where throughput does not. At 16 clients it adds pgbench of the batched call the server
 * makes when uploads arrive together (tokenwatt_ingest_many of 16, two clients).
 * Per run it also reports the submissions per ingest call (the batches uploads arriving together
 * share) and the share of the run an ingest call spent in its function (pg_stat_user_functions).
 * BENCH_PROFILE=1 also reports the time in each database function.
 *
 * Options (env): BENCH_SECONDS (default 10), TEST_DATABASE_URL (admin URL, default
 * postgres://postgres@127.0.0.1:5432/test), TOKENWATT_WORKERS (the server's processes; default one
 * per core less one), BENCH_PROFILE=1: a CPU profile of the server (one
 * worker, `node --cpu-prof`) over the 16-client run, summarized as self time per function and per
 * part of the code (harness/cpu-profile.ts).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { parseSubmission, type Submission } from "../lib/core/contracts/submission";
import { openDb, rowsOf } from "../lib/server/db/client";
import { ingestCallArgs, ingestSubmission } from "../lib/server/store/ingest";
import { makeSubmission } from "../harness/fixtures";
import { createPostgresDatabase } from "../harness/postgres";
import { groupPids, startServer, UNLIMITED_INGEST_ENV } from "../harness/server";
import postgres from "postgres";
import { summarizeCpuProfile } from "../harness/cpu-profile";

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const PROFILE = process.env.BENCH_PROFILE === "1";

/** User + system CPU time of the server's process tree, ms (clock ticks of 10 ms). */
function treeCpuMs(pgid: number): number {
  let ticks = 0;
  for (const pid of groupPids(pgid)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      /* process went away */
    }
  }
  return ticks * 10;
}

/**
 * User + system CPU time of every PostgreSQL process on this machine (its backends, WAL writer,
 * checkpointer), ms, with the time of the backends that exited (the postmaster's reaped children):
 * a backend that ends within the window takes its time with it otherwise.
 */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime, stime, cutime, cstime
    } catch {
      /* process went away */
    }
  }
  return ticks * 10;
}

/**
 * Transaction ids handed out so far (the next one, cluster-wide): every transaction that writes
 * takes one. Each upload's rate-limit take is one; ingest calls that share a commit (group commit)
 * show as fewer than two per submission. Other databases' writes on this server count too.
 */
async function xidsOf(url: string): Promise<number> {
  const c = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await c`select pg_snapshot_xmax(pg_current_snapshot())::text as n`;
    return Number(row!.n);
  } finally {
    await c.end();
  }
}

/** The machine's busy and total CPU time since boot (/proc/stat), ms across all cores. */
function machineCpuMs(): { busy: number; total: number } {
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3]! + f[4]!; // idle, iowait
  return { busy: (total - idle) * 10, total: total * 10 };
}

function treeRssBytes(pgid: number): number {
  // Sum VmRSS over the process group started by the server (start.mjs -> server.mjs).
  let total = 0;
  for (const pid of groupPids(pgid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      /* process went away */
    }
  }
  return total;
}

function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { env });
    let stdout = "";
    let stderr = "";
    c.stdout.on("data", (d) => (stdout += d));
    c.stderr.on("data", (d) => (stderr += d));
    c.on("error", (error) => resolve({ stdout, stderr, error }));
    c.on("close", () => resolve({ stdout, stderr }));
  });
}

/** Drives the API with wrk (C, so the load generator takes little of the 2 cores). */
async function load(url: string, token: string, concurrency: number, seconds: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-bench-"));
  const bodyFile = path.join(dir, "body.json");
  fs.writeFileSync(bodyFile, JSON.stringify(makeSubmission({ workloads: 10, id: "__ID__" })));
  const r = await runAsync(
    "wrk",
    ["-t", String(Math.min(2, concurrency)), "-c", String(concurrency), "-d", `${seconds}s`, "-s", path.join(import.meta.dirname, "bench-ingest.lua"), url],
    { ...process.env, BODY_FILE: bodyFile, TOKEN: token },
  );
  const m = /RESULT requests=(\d+) failed=(\d+) p50_us=(\d+) p95_us=(\d+) duration_us=(\d+)/.exec(r.stdout);
  if (r.stderr.includes("first failure")) console.error(r.stderr.trim());
  if (!m) throw new Error(`wrk failed (install it: apt-get install wrk): ${r.error ?? ""} ${r.stdout} ${r.stderr}`);
  const [requests, failed, p50, p95, durUs] = m.slice(1).map(Number) as [number, number, number, number, number];
  return { perSec: ((requests - failed) * 1e6) / durUs, ok: requests - failed, failed, p50Ms: p50 / 1000, p95Ms: p95 / 1000 };
}

/**
 * A pgbench script of the server's own ingest call: the rows ingest.ts builds for the bench's
 * submission (a fresh id per transaction), on the device, model and engine of the pgbench database.
 */
async function ingestCallScript(url: string): Promise<{ single: string; batched: string }> {
  const parsed = parseSubmission(makeSubmission({ workloads: 10 }));
  if (!parsed.ok) throw new Error("the bench submission does not parse");
  const s: Submission = parsed.submission;
  const h = await openDb({ databaseUrl: url, maxConnections: 1, migrate: false });
  const [ids] = rowsOf<{ device_id: number; model_id: number; engine_id: number }>(await h.db.execute(sql`select device_id, model_id, engine_id from submissions limit 1`));
  await h.close();
  if (!ids) throw new Error("no submission stored in the pgbench database");
  const [sub, wr, readings, traces] = ingestCallArgs(s, { deviceId: ids.device_id, modelId: ids.model_id, engineId: ids.engine_id }, null, [], new Set(), undefined, false, null);
  const lit = (json: string) => `'${json.replaceAll("'", "''")}'::jsonb`;
  const single = `select tokenwatt_ingest(jsonb_set(${lit(sub)}, '{id}', to_jsonb(gen_random_uuid()::text)), ${lit(wr).replace(/jsonb$/, "json")}, ${lit(readings)}, ${lit(traces)});\n`;
  // The batched call the server makes when uploads arrive together (lib/server/store/ingest-batch.ts), BATCH at a time.
  const one = `jsonb_build_array(jsonb_set(${lit(sub)}, '{id}', to_jsonb(gen_random_uuid()::text)), ${lit(readings)}, ${lit(traces)}, ${s.workloads.length})`;
  const workloads = `'[${Array.from({ length: BATCH }, () => wr).join(",").replaceAll("'", "''")}]'::json`;
  const batched = `select tokenwatt_ingest_many(jsonb_build_array(${Array.from({ length: BATCH }, () => one).join(", ")}), ${workloads});\n`;
  return { single, batched };
}

/** Submissions per batched call in the pgbench comparison (what the server's calls held at 16 clients here: 8-16). */
const BATCH = 16;

function pgbenchScript(url: string, script: string, clients: number, seconds: number): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-pgbench-"));
  fs.writeFileSync(path.join(dir, "script.sql"), script);
  const r = spawnSync("pgbench", ["-n", "-f", path.join(dir, "script.sql"), "-c", String(clients), "-j", "2", "-T", String(seconds), url], { encoding: "utf8" });
  const m = /tps = ([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`pgbench failed: ${r.stdout}\n${r.stderr}`);
  return Number(m[1]);
}

/** Five ~1 MB submissions at once, /api/health polled meanwhile: its worst latency, and the uploads' wall time. */
async function largeBodies(url: string, token: string) {
  const big = () => {
    const s = makeSubmission({ workloads: 10 }) as ReturnType<typeof makeSubmission> & { workloads: { powerTrace: unknown[] }[] };
    for (const w of s.workloads) w.powerTrace = [{ sensor: "intel-rapl:0", scope: "package", tMs: Array.from({ length: 7000 }, (_, i) => i * 100.5), powerW: Array.from({ length: 7000 }, (_, i) => 14 + (i % 7) / 8) }];
    return JSON.stringify(s);
  };
  const bodies = Array.from({ length: 5 }, big);
  let worstHealthMs = 0;
  let healthFailures = 0;
  let retried = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const t = performance.now();
      // A keep-alive socket the server closed as it was reused: counted as failed, not fatal.
      await fetch(`${url}/api/health`).then((r) => r.arrayBuffer(), () => healthFailures++);
      worstHealthMs = Math.max(worstHealthMs, performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const t0 = performance.now();
  const statuses = await Promise.all(
    bodies.map(async (body) => {
      const upload = () => fetch(`${url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      // A keep-alive socket the server closed (its 65 s idle timeout) as the client reused it: the
      // upload is sent again, as a runner would (ingest is idempotent on the submission id).
      const r = await upload().catch(() => upload().then((x) => ((retried++), x)));
      return r.status === 201 ? "201" : `${r.status} ${(await r.text()).slice(0, 120)}`;
    }),
  );
  const uploadMs = performance.now() - t0;
  polling = false;
  await poll;
  return { bytes: bodies[0]!.length, statuses, uploadMs, worstHealthMs, healthFailures, retried };
}

function pgbench(url: string, clients: number, seconds: number): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-pgbench-"));
  const setup = `drop table if exists pgb_child; drop table if exists pgb_parent;
create table pgb_parent (id uuid primary key, device_id int, payload jsonb, received_at timestamptz default now());
create table pgb_child (id bigserial primary key, parent_id uuid references pgb_parent(id), workload text, samples bigint[], avg_ts float8);
create index on pgb_child (parent_id); create index on pgb_child (workload, avg_ts);`;
  execFileSync("psql", [url, "-q", "-c", setup]);
  const values = Array.from({ length: 10 }, (_, i) => `('w${i}', ${i}.5)`).join(", ");
  // One transaction per "submission": the parent row and its 10 child rows, in one statement.
  const script = `WITH p AS (INSERT INTO pgb_parent (id, device_id, payload) VALUES (gen_random_uuid(), 1, '{"k": 1}') RETURNING id)
INSERT INTO pgb_child (parent_id, workload, samples, avg_ts) SELECT p.id, v.w, '{1,2,3,4,5}', v.a FROM p, (VALUES ${values}) AS v(w, a);
`;
  fs.writeFileSync(path.join(dir, "insert.sql"), script);
  const r = spawnSync("pgbench", ["-n", "-f", path.join(dir, "insert.sql"), "-c", String(clients), "-j", "2", "-T", String(seconds), url], {
    encoding: "utf8",
  });
  const m = /tps = ([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`pgbench failed: ${r.stdout}\n${r.stderr}`);
  return Number(m[1]);
}

/** What one ingest call writes, from EXPLAIN (ANALYZE, WAL) in a transaction rolled back: WAL records and bytes, rows per table. */
async function ingestCallWrites(url: string, script: string) {
  const c = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await c.unsafe("begin");
    const plan = (await c.unsafe(`explain (analyze, wal, costs off) ${script.trim().replace(/;$/, "")}`)).map((r) => r["QUERY PLAN"]).join("\n");
    const wal = /WAL: records=(\d+)(?: fpi=\d+)? bytes=(\d+)/.exec(plan);
    // This transaction's own inserts (a partition under its own name).
    const rows = [...(await c.unsafe("select relname, n_tup_ins::int as n from pg_stat_xact_user_tables where n_tup_ins > 0 order by relname"))] as unknown as { relname: string; n: number }[];
    await c.unsafe("rollback");
    return { walRecords: Number(wal?.[1]), walBytes: Number(wal?.[2]), rows };
  } finally {
    await c.end();
  }
}

/**
 * The database the pgbench runs write to: another one on the same PostgreSQL, with the same schema
 * and one submission's device, model and engine. Were they the server's database, the runs pgbench
 * stores (about 15,000 of the HTTP runs' device, model and engine) would be counted in the next HTTP
 * run: the server's debounced pass would make that group again with them (a pass of 7 s measured
 * inside a 10 s run).
 */
async function pgbenchDatabase() {
  const d = await createPostgresDatabase();
  const h = await openDb({ databaseUrl: d.url, maxConnections: 1 });
  try {
    const parsed = parseSubmission(makeSubmission({ workloads: 10 }));
    if (!parsed.ok) throw new Error("the bench submission does not parse");
    await ingestSubmission(h.db, parsed.submission, null);
  } finally {
    await h.close();
  }
  return d;
}

async function main() {
  const dbase = await createPostgresDatabase();
  const pgbenchDb = await pgbenchDatabase();
  const profileDir = PROFILE ? fs.mkdtempSync(path.join(os.tmpdir(), "tw-cpuprof-")) : null;
  // Time in each plpgsql function (pg_stat_user_functions): the ingest calls' batches and time in
  // every run, and the profile's table. Set before any connection.
  execFileSync("psql", [dbase.url, "-q", "-c", `alter database "${new URL(dbase.url).pathname.slice(1)}" set track_functions = 'pl'`]);
  let functionTimes: string[] = [];
  const srv = await startServer({
    DATABASE_URL: dbase.url,
    ...UNLIMITED_INGEST_ENV,
    ...(profileDir && { TOKENWATT_WORKERS: "1" }),
  }, profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "bin/server.mjs"] : undefined);
  let profileWindow: { fromUs: number; toUs: number; submissions: number } | null = null;
  let waitSummary: string[] = [];
  try {
    const token = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "bench"], { env: srv.env, encoding: "utf8" })
      .trim()
      .split("\n")
      .pop()!;
    const pgid = srv.pid;
    await load(srv.url, token, 4, 2); // warm-up: JIT, the connection pool, the device, model and engine rows
    // 11 s: the warm-up's ingest calls reported (pg_stat_user_functions) before the first run's counts start.
    await new Promise((r) => setTimeout(r, 11_000));
    const idleRss = treeRssBytes(pgid);
    const rows: string[] = [];
    let peakRss = idleRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRssBytes(pgid))), 200);
    const script = await ingestCallScript(pgbenchDb.url);
    // Each HTTP run is followed at once by the two pgbench runs it is compared with: on a shared
    // machine the load of other processes changes from minute to minute, and the ratio holds better.
    for (const c of [1, 16]) {
      const calls0 = await ingestCallStats(dbase.url);
      const cpu0 = treeCpuMs(pgid);
      const pg0 = postgresCpuMs();
      const commits0 = await xidsOf(dbase.url);
      const m0 = machineCpuMs();
      const t0 = process.hrtime.bigint();
      const waits = PROFILE && c === 16 ? sampleWaits(dbase.url) : null;
      const r = await load(srv.url, token, c, SECONDS);
      if (waits) waitSummary = await waits.stop();
      const fnStats = waits ? functionStats(dbase.url) : null;
      const t1 = process.hrtime.bigint();
      const cpuMs = (treeCpuMs(pgid) - cpu0) / Math.max(1, r.ok);
      const pgMs = (postgresCpuMs() - pg0) / Math.max(1, r.ok);
      const commits = ((await xidsOf(dbase.url)) - commits0) / Math.max(1, r.ok);
      const m1 = machineCpuMs();
      const busyShare = (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total);
      const otherMs = (m1.busy - m0.busy) / Math.max(1, r.ok) - cpuMs - pgMs;
      if (c === 16) profileWindow = { fromUs: Number(t0 / 1000n), toUs: Number(t1 / 1000n), submissions: r.ok };
      if (fnStats) functionTimes = await fnStats();
      const plain = pgbench(pgbenchDb.url, c, SECONDS);
      const call = pgbenchScript(pgbenchDb.url, script.single, c, SECONDS);
      // The database's ceiling for the server's batched calls: two in flight at a time, as the server sends them.
      const batched = c === 16 ? pgbenchScript(pgbenchDb.url, script.batched, 2, SECONDS) * BATCH : null;
      // The backends report their function counts within 10 s of going idle (see functionStats).
      const wallMs = Number(t1 - t0) / 1e6;
      const sinceRunMs = Number(process.hrtime.bigint() - t1) / 1e6;
      if (sinceRunMs < 11_000) await new Promise((r) => setTimeout(r, 11_000 - sinceRunMs));
      const calls1 = await ingestCallStats(dbase.url);
      const lane = { perCall: r.ok / Math.max(1, calls1.calls - calls0.calls), share: (calls1.ms - calls0.ms) / wallMs };
      rows.push(
        `| ${c} | ${r.perSec.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.failed} | ${cpuMs.toFixed(2)} | ${pgMs.toFixed(2)} | ${otherMs.toFixed(2)} | ${(busyShare * 100).toFixed(0)}% | ${commits.toFixed(2)} | ${plain.toFixed(0)} | **${(r.perSec / plain).toFixed(2)}** | ${call.toFixed(0)} | ${(r.perSec / call).toFixed(2)} | ${batched ? batched.toFixed(0) : "-"} | ${lane.perCall.toFixed(1)} | ${(lane.share * 100).toFixed(0)}% |`,
      );
    }
    clearInterval(sampler);
    const large = await largeBodies(srv.url, token);
    const writes = await ingestCallWrites(pgbenchDb.url, script.single);
    console.log(`\nIngest through HTTP into PostgreSQL, 10 workloads per submission, ${SECONDS} s per run, ${os.cpus().length} cores, server workers ${PROFILE ? 1 : (process.env.TOKENWATT_WORKERS ?? "default")}, load average ${os.loadavg()[0]!.toFixed(1)}\n`);
    console.log(`| clients | submissions/s | p50 ms | p95 ms | failed | server CPU ms per submission | PostgreSQL CPU ms per submission | the rest of the machine (wrk, other work) | machine busy | transactions per submission | pgbench: 1+10 plain rows, tx/s | ratio | pgbench: the server's ingest call, tx/s | ratio | pgbench: batched calls of ${BATCH}, 2 clients, submissions/s | submissions per ingest call | ingest calls' time in their function, share of the run |`);
    console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    rows.forEach((r) => console.log(r));
    {
      const total = writes.rows.reduce((a, r) => a + r.n, 0);
      console.log(`\none ingest call writes ${total} rows (${writes.rows.map((r) => `${r.relname} ${r.n}`).join(", ")}), ${writes.walRecords} WAL records, ${writes.walBytes} WAL bytes`);
    }
    console.log(`server memory (RSS, process tree): idle ${(idleRss / 2 ** 20).toFixed(0)} MiB, peak under load ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
    console.log(
      `five ${(large.bytes / 1e6).toFixed(2)} MB submissions at once: answered ${large.statuses.join(",")}${large.retried ? ` (${large.retried} sent again after a closed keep-alive socket)` : ""} in ${large.uploadMs.toFixed(0)} ms; /api/health meanwhile: worst ${large.worstHealthMs.toFixed(0)} ms${large.healthFailures ? ` (${large.healthFailures} polls failed)` : ""}`,
    );
  } catch (e) {
    console.error(`server output (last 3,000 characters):\n${srv.output().slice(-3000)}`);
    throw e;
  } finally {
    const serverPids = PROFILE ? groupPids(srv.pid) : [];
    await srv.stop();
    await dbase.drop();
    await pgbenchDb.drop();
    if (profileDir && profileWindow) printProfile(profileDir, serverPids, profileWindow);
    if (functionTimes.length) {
      console.log("\nTime in the database's functions since the server started, per submission stored (pg_stat_user_functions; wall time in the function, its waits included)\n");
      console.log("| function | calls per submission | ms per submission, in it and what it calls | ms per submission, itself |\n|---|---|---|---|");
      functionTimes.forEach((l) => console.log(l));
    }
    if (waitSummary.length) {
      console.log("\nThe bench database's backends over the 16-client run, sampled every 20 ms (pg_stat_activity): what they were doing\n");
      console.log("| state: wait event | statement | share of samples |\n|---|---|---|");
      waitSummary.forEach((l) => console.log(l));
    }
  }
}

/**
 * Calls of the two ingest functions so far and their time in the function, ms (pg_stat_user_functions
 * of the bench's database): submissions per call is the batch size; the time, over a run's wall time,
 * how much of it an ingest call was running in the database (one at a time from one server process:
 * the rest of the ingest lane is its arguments' parsing, the commit and the server reading the answer).
 */
async function ingestCallStats(url: string): Promise<{ calls: number; ms: number }> {
  const c = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await c`select coalesce(sum(calls), 0)::float8 as calls, coalesce(sum(total_time), 0)::float8 as ms
      from pg_stat_user_functions where funcname in ('tokenwatt_ingest', 'tokenwatt_ingest_many')`;
    return { calls: Number(row!.calls), ms: Number(row!.ms) };
  } finally {
    await c.end();
  }
}

/**
 * pg_stat_user_functions of the bench's database (track_functions = 'pl'), per submission. Backends
 * send their counts at most once a second while busy and within 10 s of going idle: it waits 11 s.
 * Counts every call since the server started (the warm-up, the 1-client run and its pgbench runs
 * too), per submission stored meanwhile.
 */
function functionStats(url: string) {
  return async (): Promise<string[]> => {
    await new Promise((r) => setTimeout(r, 11_000));
    const c = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [{ n }] = (await c`select count(*)::int as n from submissions`) as unknown as [{ n: number }];
      const rows = await c`select funcname, calls::float8 as calls, total_time, self_time from pg_stat_user_functions order by total_time desc limit 12`;
      const per = Math.max(1, n);
      return rows.map((r) => `| ${r.funcname} | ${(r.calls / per).toFixed(3)} | ${(r.total_time / per).toFixed(3)} | ${(r.self_time / per).toFixed(3)} |`);
    } finally {
      await c.end();
    }
  };
}

/**
 * Samples pg_stat_activity of the bench's database every 20 ms until stopped (a poor man's active
 * session history): per state and wait event (CPU when none), and statement, the share of samples.
 */
function sampleWaits(url: string) {
  const c = postgres(url, { max: 1, onnotice: () => {} });
  const dbName = new URL(url).pathname.slice(1);
  const counts = new Map<string, number>();
  let total = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await c`select state, coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 60) as q
        from pg_stat_activity where datname = ${dbName} and backend_type = 'client backend' and pid <> pg_backend_pid()`;
      for (const r of rows) {
        const k = `| ${r.state}: ${r.state === "active" ? r.wait : r.wait.replace(/^Client:/, "")} | ${r.state === "active" ? `\`${r.q}\`` : ""} |`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
        total++;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop(): Promise<string[]> {
      running = false;
      await loop;
      await c.end();
      return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, n]) => `${k} ${((n / Math.max(1, total)) * 100).toFixed(1)}% |`);
    },
  };
}

/** The serving process's CPU profile over the 16-client run: self time per part of the code and per function. */
function printProfile(dir: string, pids: number[], window: { fromUs: number; toUs: number; submissions: number }) {
  const file = fs.readdirSync(dir).find((f) => pids.some((p) => f.includes(`.${p}.`)));
  if (!file) return console.log(`\nno CPU profile of the server in ${dir} (it did not exit cleanly)`);
  const s = summarizeCpuProfile(path.join(dir, file), { window, top: 30 });
  const per = (ms: number) => (ms / Math.max(1, window.submissions)).toFixed(3);
  console.log(`\nCPU profile of the server over the 16-client run (${dir}/${file}): busy ${s.busyMs.toFixed(0)} of ${s.totalMs.toFixed(0)} ms, ${per(s.busyMs)} ms per submission\n`);
  console.log("| part of the code | self ms per submission | share of busy time |\n|---|---|---|");
  for (const p of s.parts.slice(0, 15)) console.log(`| ${p.name} | ${per(p.selfMs)} | ${(p.share * 100).toFixed(1)}% |`);
  console.log("\n| function | where | self ms per submission | share |\n|---|---|---|---|");
  for (const f of s.functions) console.log(`| ${f.name} | ${f.where} | ${per(f.selfMs)} | ${(f.share * 100).toFixed(1)}% |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
