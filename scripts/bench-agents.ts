/**
 * `npm run bench:agents`: a fleet of simulated agents against the real PostgreSQL, for a bounded time.
 *
 * A throwaway database; the agent API and ingest served over HTTP by the real handlers in a
 * server process of their own (the same dispatch as bin/server.ts, without Next); N agents
 * (runners/agent/agent.ts, the same loop as `tokenwatt agent`) in this process, each with its own
 * agent token, device, outbox and state file, measuring with the null engine. While the clock runs,
 * a suite is queued for all agents (or a device class) every WAVE seconds through the admin API;
 * then the queue drains and the database is counted: jobs/s, queue-to-result latency (queued_at ->
 * finished_at of the completed job) p50/p95, and lost or duplicated results.
 *
 *   npm run bench:agents -- [--agents 1000] [--seconds 60] [--wave 10] [--poll 5] [--heartbeat 10] [--drain 120]
 *                           [--agent-timeout 60] [--max-in-flight 512]
 *   npm run bench:agents -- --enqueue-only [--agents 10000]   (enqueue timed on the database alone)
 *   10,000 agents on 2 cores: --agents 10000 --seconds 5 --poll 60 --heartbeat 120 --agent-timeout 600 --drain 900
 *
 * Everything shares this machine's cores with PostgreSQL: the figures are for this machine.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { parseSubmission, type Device } from "../lib/core/contracts/submission";
import { openDb, rowsOf } from "../lib/server/db/client";
import { enqueueJobs, reapJobs } from "../lib/server/fleet/jobs";
import { jobRequestSchema } from "../lib/core/contracts/agents";
import { openJobQueue } from "../lib/server/fleet/job-queue";
import { createToken } from "../lib/server/store/tokens";
import { Agent } from "../runners/agent/agent";
import { AgentClient } from "../runners/agent/client";
import { nullMeasure } from "../runners/agent/measure-null";
import { AgentStateFile } from "../runners/agent/state";
import { Outbox } from "../runners/upload/outbox";
import { startTestApiServer } from "../harness/api";
import { createPostgresDatabase } from "../harness/postgres";
import { makeSubmission } from "../harness/fixtures";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

/** Server mode: `bench-agents.ts --serve DATABASE_URL AGENT_TIMEOUT_S` prints its URL and serves until killed. */
async function serve(url: string, agentTimeoutS: number) {
  const h = await openDb({ databaseUrl: url, maxConnections: 10 });
  const queue = await openJobQueue(h, { maxConnections: 10 });
  const api = await startTestApiServer(h.db, queue, agentTimeoutS);
  const reaper = setInterval(() => void reapJobs(queue, agentTimeoutS).catch((e) => console.error("reaper:", e.message)), (agentTimeoutS / 4) * 1000);
  console.log(`LISTENING ${api.url}`);
  process.on("SIGTERM", async () => {
    clearInterval(reaper);
    console.log(`REQUESTS ${api.requests()}`);
    await api.close();
    await queue.close();
    await h.close();
    process.exit(0);
  });
}

const CLASSES: Device["deviceClass"][] = ["laptop", "phone", "desktop"];

function simDevice(i: number): Device {
  const s = parseSubmission(makeSubmission({ deviceModel: `Sim Device ${i}` }));
  if (!s.ok) throw new Error("fixture");
  return { ...s.submission.device, vendor: "Simulated", deviceClass: CLASSES[i % CLASSES.length]! };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

async function main() {
  const N = arg("agents", 1000);
  const SECONDS = arg("seconds", 60);
  const WAVE_S = arg("wave", 10);
  const POLL_S = arg("poll", 5);
  const HEARTBEAT_S = arg("heartbeat", 10);
  const DRAIN_S = arg("drain", 120);
  // The server fails a job whose agent is silent this long: keep it a few heartbeats long.
  const AGENT_TIMEOUT_S = arg("agent-timeout", 60);
  // All agents share this process's file descriptors (20,000 here): requests in flight are capped
  // so that sockets, outbox and state files fit. A request waiting for a slot counts toward its timeout.
  const MAX_IN_FLIGHT = arg("max-in-flight", 512);
  const realFetch = globalThis.fetch;
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  globalThis.fetch = async (...a: Parameters<typeof fetch>) => {
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => waiting.push(r));
    inFlight++;
    try {
      const r = await realFetch(...a);
      // The body is read by the caller: buffer it here so the socket returns to the pool with the slot.
      return new Response(await r.arrayBuffer(), { status: r.status, statusText: r.statusText, headers: r.headers });
    } finally {
      inFlight--;
      waiting.shift()?.();
    }
  };
  const { url, drop } = await createPostgresDatabase();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tw-bench-agents-"));
  const h = await openDb({ databaseUrl: url, maxConnections: 4 });
  let server: ReturnType<typeof spawn> | null = null;
  const agents: Agent[] = [];
  try {
    console.log(`bench:agents: ${N} agents, ${SECONDS} s of queueing (a suite for all agents or one device class every ${WAVE_S} s), poll ${POLL_S} s, heartbeat ${HEARTBEAT_S} s, agent timeout ${AGENT_TIMEOUT_S} s, at most ${MAX_IN_FLIGHT} requests in flight; ${os.availableParallelism()} cores shared with PostgreSQL`);
    const tokens: string[] = [];
    for (let i = 0; i < N; i++) tokens.push(await createToken(h.db, `sim-agent-${i}`, "agent"));
    const admin = await createToken(h.db, "sim-admin", "admin");

    server = spawn(path.join("node_modules", ".bin", "tsx"), [import.meta.filename, "--serve", url, String(AGENT_TIMEOUT_S)], { stdio: ["ignore", "pipe", "inherit"] });
    let serverOut = "";
    server.stdout!.on("data", (d) => (serverOut += d));
    const apiUrl = await new Promise<string>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /LISTENING (\S+)/.exec(serverOut);
        if (m) {
          clearInterval(t);
          resolve(m[1]!);
        }
        if (server!.exitCode !== null) {
          clearInterval(t);
          reject(new Error("the server exited"));
        }
      }, 50);
    });

    const outcomes = new Map<string, string[]>();
    const logs: string[] = [];
    const t0 = Date.now();
    for (let i = 0; i < N; i++) {
      const dir = path.join(tmp, `a${i}`);
      const agent = new Agent({
        client: new AgentClient(apiUrl, tokens[i]!, 60_000),
        token: tokens[i]!,
        name: `sim-${i}`,
        version: "sim",
        probe: async () => simDevice(i),
        measure: nullMeasure(simDevice(i), 0.01, 1),
        outbox: new Outbox(path.join(dir, "outbox")),
        state: new AgentStateFile(path.join(dir, "state.json")),
        pollIntervalMs: POLL_S * 1000,
        heartbeatIntervalMs: HEARTBEAT_S * 1000,
        backoff: { baseMs: 500, maxMs: 10_000 },
        once: false,
        stopGraceMs: 30_000,
        log: (m) => logs.push(`sim-${i}: ${m}`),
        onJobDone: (id, outcome) => outcomes.set(id, [...(outcomes.get(id) ?? []), outcome]),
      });
      agents.push(agent);
    }
    const runs = agents.map((a) => a.run().catch((e) => logs.push(`agent crashed: ${(e as Error).message}`)));
    const registered = async () => rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from agents`))[0]!.n;
    while ((await registered()) < N) await new Promise((r) => setTimeout(r, 500));
    const registerS = (Date.now() - t0) / 1000;
    console.log(`registered ${N} agents in ${registerS.toFixed(1)} s (${(N / registerS).toFixed(0)}/s)`);

    // Queue waves for the bounded time.
    const start = Date.now();
    let waves = 0;
    const enqueueMs: { target: string; jobs: number; ms: number }[] = [];
    const targets = [{ kind: "all" }, { kind: "class", deviceClass: "laptop" }, { kind: "all" }, { kind: "class", deviceClass: "phone" }];
    while (Date.now() - start < SECONDS * 1000) {
      const target = targets[waves % targets.length];
      const e0 = performance.now();
      const r = await fetch(`${apiUrl}/api/v1/agents/jobs`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify({ target, request: { model: "null.gguf", workloads: ["pp16", "tg8"], repetitions: 1 } }),
      });
      if (r.status !== 201) throw new Error(`enqueue failed: ${r.status} ${await r.text()}`);
      const body = (await r.json()) as { jobs: unknown[] };
      enqueueMs.push({ target: target!.kind === "all" ? "all" : `class ${(target as { deviceClass: string }).deviceClass}`, jobs: body.jobs.length, ms: performance.now() - e0 });
      waves++;
      await new Promise((r) => setTimeout(r, Math.max(0, start + waves * WAVE_S * 1000 - Date.now())));
    }
    const queueingS = (Date.now() - start) / 1000;
    // Drain: until every job is in a final state, or the drain time is up.
    const open = async () => rowsOf<{ n: number }>(await h.db.execute(sql`select count(*)::int as n from agent_jobs where state in ('queued', 'running')`))[0]!.n;
    const drainStart = Date.now();
    while ((await open()) > 0 && Date.now() - drainStart < DRAIN_S * 1000) await new Promise((r) => setTimeout(r, 500));
    const drainS = (Date.now() - drainStart) / 1000;
    agents.forEach((a) => a.stop("end of the simulation"));
    await Promise.all(runs);

    // Count.
    const q1 = <T>(s: ReturnType<typeof sql>) => h.db.execute(s).then((r) => rowsOf<T>(r));
    const states = await q1<{ state: string; n: number }>(sql`select state, count(*)::int as n from agent_jobs group by state order by state`);
    const jobsTotal = states.reduce((a, s) => a + s.n, 0);
    const completed = states.find((s) => s.state === "completed")?.n ?? 0;
    const [sub] = await q1<{ total: number; linked: number; distinct_jobs: number; missing: number; foreign_device: number }>(sql`
      select (select count(*) from submissions)::int as total,
             (select count(*) from agent_jobs where submission_id is not null)::int as linked,
             (select count(distinct submission_id) from agent_jobs where submission_id is not null)::int as distinct_jobs,
             (select count(*) from agent_jobs j where j.state = 'completed' and not exists (select 1 from submissions s where s.id = j.submission_id))::int as missing,
             (select count(*) from agent_jobs j join agents a on a.id = j.agent_id join submissions s on s.id = j.submission_id join devices d on d.id = s.device_id
                where d.fingerprint <> a.device_fingerprint)::int as foreign_device`);
    const lat = await q1<{ s: number; queued: Date; finished: Date }>(sql`
      select extract(epoch from finished_at - queued_at)::float8 as s, queued_at as queued, finished_at as finished from agent_jobs where state = 'completed'`);
    const latencies = lat.map((r) => Number(r.s));
    const first = Math.min(...lat.map((r) => new Date(r.queued).getTime()));
    const last = Math.max(...lat.map((r) => new Date(r.finished).getTime()));
    const windowS = (last - first) / 1000;
    const agentCompleted = [...outcomes.values()].filter((o) => o.includes("completed")).length;
    const agentTwice = [...outcomes.values()].filter((o) => o.length > 1).length;
    const lost = jobsTotal - completed;
    const duplicated = sub!.total - sub!.distinct_jobs;

    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
    const requests = Number(/REQUESTS (\d+)/.exec(serverOut)?.[1] ?? NaN);
    const report = [
      `agents: ${N} registered in ${registerS.toFixed(1)} s; ${waves} waves queued in ${queueingS.toFixed(0)} s, drained in ${drainS.toFixed(1)} s`,
      `jobs: ${jobsTotal} queued; by state: ${states.map((s) => `${s.state} ${s.n}`).join(", ")}`,
      `throughput: ${completed} jobs completed in ${windowS.toFixed(1)} s (first queued -> last result) = ${(completed / windowS).toFixed(1)} jobs/s`,
      `queue-to-result latency: p50 ${pct(latencies, 50).toFixed(2)} s, p95 ${pct(latencies, 95).toFixed(2)} s, max ${Math.max(...latencies).toFixed(2)} s (poll interval ${POLL_S} s)`,
      `results: ${sub!.total} submissions stored, ${sub!.linked} linked to jobs (${sub!.distinct_jobs} distinct); completed jobs without a stored submission: ${sub!.missing}; submissions for another agent's device: ${sub!.foreign_device}`,
      `enqueue (one request, one job per matching agent): ${enqueueMs.map((e) => `${e.target} ${e.jobs} jobs in ${(e.ms / 1000).toFixed(2)} s`).join("; ")}`,
      `agents saw ${agentCompleted} completions, ${agentTwice} jobs with more than one outcome`,
      `lost (queued but not completed): ${lost}; submissions beyond one per completed job (duplicates, or uploads whose job failed before it completed): ${duplicated}`,
      `HTTP requests served: ${requests} (${(requests / ((Date.now() - t0) / 1000)).toFixed(0)}/s over the whole run)`,
    ];
    console.log(report.join("\n"));
    const errors = logs.filter((l) => /crashed|refused|failed/.test(l));
    if (errors.length) console.log(`agent log lines with errors (${errors.length}), first 5:\n${errors.slice(0, 5).join("\n")}`);
    if (lost || duplicated || sub!.missing || sub!.foreign_device || agentTwice || agentCompleted !== completed) process.exitCode = 1;
  } finally {
    agents.forEach((a) => a.stop("cleanup"));
    if (server && server.exitCode === null) server.kill("SIGKILL");
    await h.close();
    await drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * `--enqueue-only`: the database alone, no server or agents: N registered agents (rows written
 * directly), then a suite queued for all of them three times, timed. What enqueue costs without the
 * HTTP queueing of a saturated server.
 */
async function enqueueOnly() {
  const { url, drop } = await createPostgresDatabase();
  const h = await openDb({ databaseUrl: url });
  const q = await openJobQueue(h);
  try {
    const request = jobRequestSchema.parse({ model: "synthetic:tiny-test:Q8_0", workloads: ["pp16", "tg8"], repetitions: 1 });
    for (const n of [1000, arg("agents", 10000)]) {
      await h.db.execute(sql`truncate agent_jobs, agent_batches, agents, runner_tokens restart identity cascade`);
      await h.db.execute(sql`insert into runner_tokens (name, token_hash, role) select 'sim-' || g, md5(g::text), 'agent' from generate_series(1, ${n}) g`);
      await h.db.execute(sql`insert into agents (token_id, name, device_fingerprint, device_class, device, version) select id, name, md5(name), 'laptop', '{}'::jsonb, 'sim' from runner_tokens`);
      const ms: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const r = await enqueueJobs(q, { kind: "all" }, request);
        ms.push(performance.now() - t);
        if (r.jobs.length !== n) throw new Error(`queued ${r.jobs.length} jobs for ${n} agents`);
      }
      console.log(`enqueue for all ${n} agents (one INSERT ... SELECT): ${ms.map((x) => `${x.toFixed(0)} ms`).join(", ")}`);
    }
  } finally {
    await q.close();
    await h.close();
    await drop();
  }
}

if (process.argv[2] === "--serve") await serve(process.argv[3]!, Number(process.argv[4]));
else if (process.argv.includes("--enqueue-only")) await enqueueOnly();
else await main();
