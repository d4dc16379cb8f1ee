/**
 * The fault campaign (issue 14): N runners, each with its own outbox, upload M submissions to the
 * real server (bin/server.ts on PostgreSQL) while the server is killed with SIGKILL and
 * restarted, and optionally while PostgreSQL itself is restarted; meanwhile agents (the loop of
 * `tokenwatt agent`, measuring with the null engine) run jobs queued through the admin API, so that
 * faults land mid-job too. Afterwards every submission must be stored exactly once (0 lost, 0
 * duplicated, no partial rows), every job completed once with its own stored submission, and the
 * server must answer.
 * Used by tests/e2e/fault.test.ts (CI-sized) and scripts/fault-campaign.ts (any size).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { parseSubmission, type Device } from "../lib/core/contracts/submission";
import { openDb, rowsOf } from "../lib/server/db/client";
import { createToken } from "../lib/server/store/tokens";
import { Agent } from "../runners/agent/agent";
import { AgentClient } from "../runners/agent/client";
import { nullMeasure } from "../runners/agent/measure-null";
import { AgentStateFile } from "../runners/agent/state";
import { flushOutbox, Outbox } from "../runners/upload/outbox";
import { startPrivatePostgres, type PrivatePostgres } from "./private-postgres";
import { makeSubmission } from "./fixtures";
import { freePort, startServer, type RunningServer } from "./server";

export interface CampaignResult {
  runners: number;
  perRunner: number;
  serverKills: number;
  postgresRestarts: number;
  stored: number;
  lost: number;
  duplicated: number;
  partial: number;
  rounds: number;
  /** Submissions still waiting in the outboxes at each fault: a fault that hit none tested nothing. */
  pendingAtFaults: number[];
  seconds: number;
  serverAlive: boolean;
  /** Agents and their jobs (zero when the campaign ran none). */
  agents: number;
  jobs: number;
  jobsCompleted: number;
  /** Jobs running (measured by an agent) when a fault landed. */
  jobsRunningAtFaults: number[];
  /** Jobs not completed, completed jobs without their stored submission, submissions shared by two jobs. */
  jobsLost: number;
  jobsWithoutSubmission: number;
  jobsDuplicated: number;
}

function deviceOf(model: string): Device {
  const s = parseSubmission(makeSubmission({ deviceModel: model }));
  if (!s.ok) throw new Error("the fixture does not parse");
  return s.submission.device;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


export interface CampaignOptions {
  runners: number;
  perRunner: number;
  serverKills: number;
  postgresRestarts?: number;
  /** Agents, each sent `jobsPerAgent` jobs (one wave for all agents at a time). */
  agents?: number;
  jobsPerAgent?: number;
  log?: (m: string) => void;
}

export async function runFaultCampaign(o: CampaignOptions): Promise<CampaignResult> {
  // A cluster of its own: restarting it breaks nothing else running on this machine. Stopped and
  // removed whatever happens, so a failed campaign leaves no database server behind.
  const pg = await startPrivatePostgres();
  try {
    return await campaign(o, pg);
  } finally {
    pg.stop();
  }
}

async function campaign(o: CampaignOptions, pg: PrivatePostgres): Promise<CampaignResult> {
  const log = o.log ?? (() => {});
  const t0 = Date.now();
  const dbUrl = pg.url;
  const h = await openDb({ databaseUrl: dbUrl, maxConnections: 2 });
  const token = await createToken(h.db, "fault-runner");
  const nAgents = o.agents ?? 0;
  const agentTokens: string[] = [];
  for (let i = 0; i < nAgents; i++) agentTokens.push(await createToken(h.db, `fault-agent-${i}`, "agent"));
  const admin = await createToken(h.db, "fault-admin", "admin");
  // The campaign's own queries retry: PostgreSQL may be restarting under them.
  const q = async <T>(s: ReturnType<typeof sql>): Promise<T[]> => {
    for (let tries = 0; ; tries++) {
      try {
        return rowsOf<T>(await h.db.execute(s));
      } catch (e) {
        if (tries >= 50) throw e;
        await sleep(200);
      }
    }
  };
  const port = await freePort();
  const env = { DATABASE_URL: dbUrl, PORT: String(port), TOKENWATT_WORKERS: "1" };
  let srv: RunningServer = await startServer(env);
  // The agents: register, then a wave of jobs for all of them at a time, queued while faults land.
  const agentDirs = Array.from({ length: nAgents }, () => fs.mkdtempSync(path.join(os.tmpdir(), "tw-fault-agent-")));
  const agents = agentDirs.map(
    (dir, i) =>
      new Agent({
        // A restarted server keeps its port, so the URL holds across restarts.
        client: new AgentClient(srv.url, agentTokens[i]!, 5_000),
        token: agentTokens[i]!,
        name: `fault-agent-${i}`,
        version: "fault",
        probe: async () => deviceOf(`Fault Agent ${i}`),
        // ~0.3 s a job (tg8 at 40 ms a token): long enough for a fault to land mid-job.
        measure: nullMeasure(null, 0.05, 40),
        outbox: new Outbox(path.join(dir, "outbox")),
        state: new AgentStateFile(path.join(dir, "state.json")),
        pollIntervalMs: 200,
        heartbeatIntervalMs: 500,
        backoff: { baseMs: 200, maxMs: 2_000 },
        once: false,
        stopGraceMs: 30_000,
        log: (m) => log(`agent ${i}: ${m}`),
      }),
  );
  const agentRuns = agents.map((a) => a.run());
  if (nAgents) {
    while ((await q<{ n: number }>(sql`select count(*)::int as n from agents`))[0]!.n < nAgents) await sleep(200);
  }
  const enqueue = async () => {
    for (;;) {
      const r = await fetch(`${srv.url}/api/v1/agents/jobs`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify({ target: { kind: "all" }, request: { model: "null.gguf", workloads: ["pp16", "tg8"], repetitions: 1 } }),
      }).catch(() => null);
      if (r?.status === 201) return;
      await sleep(200); // the server is down: the admin retries, as a person would
    }
  };
  const queueing = (async () => {
    for (let w = 0; w < (o.jobsPerAgent ?? 0) && nAgents; w++) {
      await enqueue();
      await sleep(300);
    }
  })();
  const dirs = Array.from({ length: o.runners }, () => fs.mkdtempSync(path.join(os.tmpdir(), "tw-fault-")));
  const outboxes = dirs.map((d) => new Outbox(d));
  const ids = new Set<string>();
  for (const box of outboxes) {
    for (let i = 0; i < o.perRunner; i++) {
      const s = makeSubmission({ workloads: 2 }) as Parameters<Outbox["put"]>[0];
      ids.add(s.submissionId);
      box.put(s);
    }
  }
  // The runners upload until their outboxes are empty, whatever happens to the server.
  let rounds = 0;
  const uploading = Promise.all(
    outboxes.map(async (box) => {
      while (box.pending().length) {
        rounds++;
        await flushOutbox(box, srv.url, token, 1).catch(() => {});
        if (box.pending().length) await sleep(200);
      }
    }),
  );
  // The faults, spread over the upload.
  const faults: ("server" | "postgres")[] = [...Array(o.serverKills).fill("server"), ...Array(o.postgresRestarts ?? 0).fill("postgres")];
  const pendingAtFaults: number[] = [];
  const jobsRunningAtFaults: number[] = [];
  const holdingJobs = () => agentDirs.filter((d) => new AgentStateFile(path.join(d, "state.json")).read().job !== null).length;
  // The first fault waits (a few seconds at most) for an agent to hold a job: faults must land mid-job too.
  for (let waited = 0; nAgents && holdingJobs() === 0 && waited < 10_000; waited += 20) await sleep(20);
  const pendingNow = () => outboxes.reduce((a, b) => a + b.pending().length, 0);
  for (const f of faults) {
    // As soon as the uploads start (or resume), a little into them: the fault must land while
    // submissions are in flight. A fixed sleep missed them once the server ingested the rest in it.
    const before = pendingNow();
    for (let waited = 0; pendingNow() === before && waited < 10_000; waited += 5) await sleep(5);
    await sleep(Math.random() * 20);
    pendingAtFaults.push(pendingNow());
    if (nAgents) jobsRunningAtFaults.push(holdingJobs());
    if (f === "server") {
      log("SIGKILL the server");
      await srv.kill();
      await sleep(500);
      srv = await startServer(env);
      log("server restarted");
    } else {
      log("restart PostgreSQL");
      pg.restart();
    }
  }
  await uploading;
  await queueing;
  // The agents drain the queue: every job in a final state.
  const jobDeadline = Date.now() + 120_000;
  while (nAgents && Date.now() < jobDeadline && (await q<{ n: number }>(sql`select count(*)::int as n from agent_jobs where state in ('queued', 'running')`))[0]!.n > 0) await sleep(300);
  agents.forEach((a) => a.stop("end of the fault campaign"));
  await Promise.all(agentRuns);
  const [jobs] = await q<{ total: number; completed: number; without: number; shared: number }>(sql`
    select count(*)::int as total,
           count(*) filter (where state = 'completed')::int as completed,
           count(*) filter (where state = 'completed' and not exists (select 1 from submissions s where s.id = j.submission_id))::int as without,
           (count(submission_id) - count(distinct submission_id))::int as shared
    from agent_jobs j`);
  await h.close();
  const health = await fetch(`${srv.url}/api/health`).then((r) => r.ok).catch(() => false);
  await srv.stop();
  const check = await openDb({ databaseUrl: dbUrl, maxConnections: 1 });
  const counts = rowsOf<{ id: string; n: number }>(await check.db.execute(sql`select s.id::text as id, count(w.id)::int as n from submissions s left join workload_results w on w.submission_id = s.id group by s.id`));
  await check.close();
  for (const d of [...dirs, ...agentDirs]) fs.rmSync(d, { recursive: true, force: true });
  const stored = counts.filter((c) => ids.has(c.id));
  return {
    runners: o.runners,
    perRunner: o.perRunner,
    serverKills: o.serverKills,
    postgresRestarts: o.postgresRestarts ?? 0,
    stored: stored.length,
    lost: [...ids].filter((id) => !counts.some((c) => c.id === id)).length,
    duplicated: counts.length - new Set(counts.map((c) => c.id)).size,
    partial: stored.filter((c) => c.n !== 2).length,
    rounds,
    pendingAtFaults,
    seconds: (Date.now() - t0) / 1000,
    serverAlive: health,
    agents: nAgents,
    jobs: jobs!.total,
    jobsCompleted: jobs!.completed,
    jobsRunningAtFaults,
    jobsLost: jobs!.total - jobs!.completed,
    jobsWithoutSubmission: jobs!.without,
    jobsDuplicated: jobs!.shared,
  };
}
