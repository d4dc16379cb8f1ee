/**
 * `npm run bench:ingest`: ingest throughput through the HTTP API into the real PostgreSQL.
 *
 * Starts the production server (bin/start.mjs) on a fresh database, posts submissions of 10
 * workloads each with 1 and with 16 concurrent clients for a fixed time, and reports
 * submissions/s, the server's memory (RSS of its process tree) idle and under load, and two
 * pgbench runs on the same machine in the same run: the same ingest call the server makes (the
 * `tokenwatt_ingest` function with the same rows: what the database alone can take, the ceiling of
 * the whole path) and a minimal row shape (1 parent + 10 child rows per transaction: what the
 * database takes for a plain insert). Then five 1 MB submissions at once, with /api/health timed
 * while they are read: what large bodies cost the server's thread. The load generator shares the
 * cores with the server.
 *
 * Options (env): BENCH_SECONDS (default 10), TEST_DATABASE_URL (admin URL, default
 * postgres://postgres@127.0.0.1:5432/test).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { parseSubmission, type Submission } from "../lib/core/contracts/submission";
import { openDb, rowsOf } from "../lib/server/db/client";
import { submissionRow, workloadRow } from "../lib/server/store/ingest";
import { makeSubmission } from "../harness/fixtures";
import { createPostgresDatabase } from "../harness/postgres";
import { startServer } from "../harness/server";

const SECONDS = Number(process.env.BENCH_SECONDS || 10);

function treeRssBytes(rootPid: number): number {
  // Sum VmRSS over the process group started by the server (start.mjs -> next start).
  let total = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgid !== rootPid) continue;
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${d}/status`, "utf8"));
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
 * submission (a fresh id per transaction), on dimension ids the HTTP runs created.
 */
async function ingestCallScript(url: string): Promise<string> {
  const parsed = parseSubmission(makeSubmission({ workloads: 10 }));
  if (!parsed.ok) throw new Error("the bench submission does not parse");
  const s: Submission = parsed.submission;
  const h = await openDb({ databaseUrl: url, maxConnections: 1, migrate: false });
  const [ids] = rowsOf<{ device_id: number; model_id: number; engine_id: number }>(await h.db.execute(sql`select device_id, model_id, engine_id from submissions limit 1`));
  await h.close();
  if (!ids) throw new Error("no submission stored by the HTTP runs");
  const sub = submissionRow(s, { deviceId: ids.device_id, modelId: ids.model_id, engineId: ids.engine_id }, null, []);
  const wr = s.workloads.map((w) => workloadRow(w, true, s));
  const reading = (x: Submission["idlePower"][number], kind: string, workloadId: string | null) => ({
    workload_id: workloadId, kind, method: x.method, scope: x.scope, sensor: x.sensor, duration_ns: x.durationNs, energy_j: x.energyJ,
    avg_power_w: x.avgPowerW, idle_power_w: x.idlePowerW, tier: x.tier, flags: x.flags, range_j: x.rangeJ,
  });
  const readings = [...s.idlePower.map((x) => reading(x, "idle", null)), ...s.workloads.flatMap((w) => w.power.map((x) => reading(x, "workload", w.workloadId)))];
  const traces = s.workloads.flatMap((w) => w.powerTrace.map((t) => ({ workload_id: w.workloadId, sensor: t.sensor, scope: t.scope, t_ms: t.tMs, power_w: t.powerW })));
  const lit = (o: unknown) => `'${JSON.stringify(o).replaceAll("'", "''")}'::jsonb`;
  return `select tokenwatt_ingest(jsonb_set(${lit(sub)}, '{id}', to_jsonb(gen_random_uuid()::text)), ${lit(wr)}, ${lit(readings)}, ${lit(traces)});\n`;
}

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
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const t = performance.now();
      await fetch(`${url}/api/health`);
      worstHealthMs = Math.max(worstHealthMs, performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const t0 = performance.now();
  const statuses = await Promise.all(
    bodies.map((body) => fetch(`${url}/api/v1/submissions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body }).then((r) => r.status)),
  );
  const uploadMs = performance.now() - t0;
  polling = false;
  await poll;
  return { bytes: bodies[0]!.length, statuses, uploadMs, worstHealthMs };
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

async function main() {
  const dbase = await createPostgresDatabase();
  const srv = await startServer({
    DATABASE_URL: dbase.url,
    TOKENWATT_RATE_LIMIT_PER_MIN: "100000000",
    TOKENWATT_RATE_LIMIT_BURST: "100000000",
    TOKENWATT_PARSE_BUDGET_MB_PER_MIN: "1000000",
    TOKENWATT_PARSE_BUDGET_GLOBAL_MB_PER_MIN: "1000000",
    TOKENWATT_CPU_MS_PER_MIN_PER_TOKEN: "100000000",
    TOKENWATT_CPU_MS_PER_MIN: "100000000",
  });
  try {
    const token = execFileSync(process.execPath, ["bin/tokenwatt.mjs", "token", "create", "--name", "bench"], {
      env: srv.env,
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop()!;
    const pgid = Number(execFileSync("sh", ["-c", `ps -o pgid= -p $(pgrep -f "bin/start.mjs" | head -1)`]).toString().trim());
    await load(srv.url, token, 4, 2); // warm-up: JIT and connection pool
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = treeRssBytes(pgid);
    const rows: string[] = [];
    let peakRss = idleRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRssBytes(pgid))), 200);
    const results: Record<number, Awaited<ReturnType<typeof load>>> = {};
    for (const c of [1, 16]) {
      results[c] = await load(srv.url, token, c, SECONDS);
    }
    clearInterval(sampler);
    const large = await largeBodies(srv.url, token);
    const script = await ingestCallScript(dbase.url);
    for (const c of [1, 16]) {
      const r = results[c]!;
      const call = pgbenchScript(dbase.url, script, c, SECONDS);
      const plain = pgbench(dbase.url, c, SECONDS);
      rows.push(
        `| ${c} | ${r.perSec.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.failed} | ${call.toFixed(0)} | ${(r.perSec / call).toFixed(2)} | ${plain.toFixed(0)} | ${(r.perSec / plain).toFixed(2)} |`,
      );
    }
    console.log(`\nIngest through HTTP into PostgreSQL, 10 workloads per submission, ${SECONDS} s per run, ${os.cpus().length} cores\n`);
    console.log("| clients | submissions/s | p50 ms | p95 ms | failed | pgbench: the same ingest call, tx/s | ratio | pgbench: 1+10 plain rows, tx/s | ratio |");
    console.log("|---|---|---|---|---|---|---|---|---|");
    rows.forEach((r) => console.log(r));
    console.log(`\nserver memory (RSS, process tree): idle ${(idleRss / 2 ** 20).toFixed(0)} MiB, peak under load ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
    console.log(
      `five ${(large.bytes / 1e6).toFixed(2)} MB submissions at once: answered ${large.statuses.join(",")} in ${large.uploadMs.toFixed(0)} ms; /api/health meanwhile: worst ${large.worstHealthMs.toFixed(0)} ms`,
    );
  } finally {
    await srv.stop();
    await dbase.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
