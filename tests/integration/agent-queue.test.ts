/**
 * Agent jobs (the agent_jobs table, claimed with SKIP LOCKED), on both databases: fan-out, at most
 * once per agent, only one's own jobs, complete/fail rules, lost agents, one reaper at a time, and
 * the agent scope of ingest.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { jobRequestSchema } from "../../lib/core/contracts/agents";
import { parseSubmission, type Device } from "../../lib/core/contracts/submission";
import { rowsOf } from "../../lib/server/db/client";
import { AgentJobError, claimNextJob, completeJob, enqueueJobs, failJob, reapJobs } from "../../lib/server/fleet/jobs";
import { listAgents, recordHeartbeat, registerAgent, type AgentIdentity } from "../../lib/server/fleet/agents";
import { ingestSubmission } from "../../lib/server/store/ingest";
import { openJobQueue, type JobQueue } from "../../lib/server/fleet/job-queue";
import { agentJobs, agents } from "../../lib/server/db/schema";
import { authenticate, createToken } from "../../lib/server/store/tokens";
import { createRateLimiter } from "../../lib/server/http/rate-limit";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";
import { makeSubmission } from "../../harness/fixtures";
import { refusalStatus } from "../../lib/server/http/refusals";
import { callApi } from "../../harness/api";

const request = jobRequestSchema.parse({ model: "synthetic:tiny-test:Q8_0", workloads: ["pp16", "tg4"], repetitions: 1 });

function deviceOf(model: string, deviceClass: Device["deviceClass"] = "laptop"): Device {
  const s = parseSubmission(makeSubmission({ deviceModel: model }));
  if (!s.ok) throw new Error("bad fixture");
  return { ...s.submission.device, deviceClass };
}

describe.each(DB_KINDS)("agent jobs on %s", (kind) => {
  let db: TestDb;
  let q: JobQueue;
  const fleet: { agent: AgentIdentity; token: string; model: string }[] = [];

  beforeAll(async () => {
    db = await openTestDb(kind);
    q = await openJobQueue(db);
    for (const [i, cls] of (["laptop", "laptop", "phone"] as const).entries()) {
      const token = await createToken(db.db, `agent-${i}`, "agent");
      const auth = await authenticate(db.db, `Bearer ${token}`);
      if (!auth.ok) throw new Error("auth");
      const model = `Agent Device ${i}`;
      const { agent } = await registerAgent(q, auth.tokenId, { name: `a${i}`, version: "test", device: deviceOf(model, cls), currentJobId: null });
      fleet.push({ agent, token, model });
    }
  });
  afterAll(async () => {
    await q?.close();
    await db?.drop();
  });

  const upload = async (i: number) => {
    const s = parseSubmission(makeSubmission({ deviceModel: fleet[i]!.model }));
    if (!s.ok) throw new Error("fixture");
    await ingestSubmission(db.db, s.submission, fleet[i]!.agent.tokenId);
    return s.submission.submissionId;
  };

  it("registers once per token: a restart keeps the agent", async () => {
    const again = await registerAgent(q, fleet[0]!.agent.tokenId, { name: "a0", version: "test2", device: deviceOf("Agent Device 0"), currentJobId: null });
    expect(again.agent).toEqual(fleet[0]!.agent);
    expect(again.orphanJobId).toBeNull();
    const rows = await db.db.select().from(agents);
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.id === fleet[0]!.agent.id)!.version).toBe("test2");
  });

  it("fans a class out to one job per agent; each agent pulls its own job exactly once", async () => {
    const { batchId, jobs } = await enqueueJobs(q, { kind: "class", deviceClass: "laptop" }, request);
    expect(jobs.map((j) => j.agentId).sort()).toEqual([fleet[0]!.agent.id, fleet[1]!.agent.id].sort());
    // the phone gets nothing
    expect(await claimNextJob(q, fleet[2]!.agent)).toBeNull();
    // the same agent polling twice at once gets one job (the slower poll may see it running and
    // get the same job back, as after a lost reply), never two
    const [a, b] = await Promise.all([claimNextJob(q, fleet[0]!.agent), claimNextJob(q, fleet[0]!.agent)]);
    const got = [a, b].filter(Boolean);
    expect(new Set(got.map((j) => j!.id)).size).toBe(1);
    expect(got[0]).toMatchObject({ batchId, request });
    expect(got[0]!.id).toBe(jobs.find((j) => j.agentId === fleet[0]!.agent.id)!.id);
    // a poll while the job runs means the agent never got the reply: the same job again, not a new one
    expect(await claimNextJob(q, fleet[0]!.agent)).toEqual(got[0]);

    // another agent cannot complete or fail it
    await expect(completeJob(q, fleet[1]!.agent, got[0]!.id, await upload(1))).rejects.toMatchObject({ code: "not_your_job" });
    expect(refusalStatus("not_your_job")).toBe(403);
    await expect(failJob(q, fleet[1]!.agent, got[0]!.id, "x", false)).rejects.toMatchObject({ code: "not_your_job" });
    // completing needs the submission stored, uploaded by this agent
    await expect(completeJob(q, fleet[0]!.agent, got[0]!.id, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "submission_missing" });
    await expect(completeJob(q, fleet[0]!.agent, got[0]!.id, await upload(1))).rejects.toMatchObject({ code: "not_your_submission" });
    const sub = await upload(0);
    expect(await completeJob(q, fleet[0]!.agent, got[0]!.id, sub)).toEqual({ status: "completed" });
    // a retried completion (lost acknowledgement) is a duplicate, not a second result
    expect(await completeJob(q, fleet[0]!.agent, got[0]!.id, sub)).toEqual({ status: "duplicate" });

    const [row] = await db.db.select().from(agentJobs).where(eq(agentJobs.id, got[0]!.id));
    expect(row).toMatchObject({ state: "completed", submissionId: sub });
    // the same submission cannot complete a second job
    const j1 = await claimNextJob(q, fleet[1]!.agent);
    await expect(completeJob(q, fleet[1]!.agent, j1!.id, sub)).rejects.toBeInstanceOf(AgentJobError);
    expect(await failJob(q, fleet[1]!.agent, j1!.id, "engine crashed", false)).toEqual({ state: "failed" });
    expect((await db.db.select().from(agentJobs).where(eq(agentJobs.id, j1!.id)))[0]!.state).toBe("failed");
    await expect(completeJob(q, fleet[1]!.agent, j1!.id, await upload(1))).rejects.toMatchObject({ code: "not_running" });
  });

  it("heartbeats record progress; a silent agent's job is failed by the reaper, not re-run", async () => {
    const { jobs } = await enqueueJobs(q, { kind: "agent", agentId: fleet[2]!.agent.id }, request);
    const job = await claimNextJob(q, fleet[2]!.agent);
    expect(job!.id).toBe(jobs[0]!.id);
    const progress = { workloadId: "pp16", workloadIndex: 0, workloads: 2, repetitionsDone: 1, repetitions: 1, phase: "rep" as const };
    expect(await recordHeartbeat(q, fleet[2]!.agent.id, "busy", job!.id, progress)).toEqual({ jobRunning: true });
    const listed = (await listAgents(db.db, 60)).find((a) => a.id === fleet[2]!.agent.id)!;
    expect(listed).toMatchObject({ online: true, currentJobId: job!.id, progress });

    // a fresh heartbeat: nothing to reap
    expect(await reapJobs(q, 60)).toEqual([]);
    await db.db.execute(sql`update agents set last_seen_at = now() - interval '120 seconds' where id = ${fleet[2]!.agent.id}`);
    const reaped = await reapJobs(q, 60);
    expect(reaped).toEqual([{ id: job!.id, agentId: fleet[2]!.agent.id, reason: expect.stringMatching(/agent lost/) }]);
    expect((await db.db.select().from(agentJobs).where(eq(agentJobs.id, job!.id)))[0]).toMatchObject({ state: "failed", error: expect.stringMatching(/agent lost/) });
    // the agent comes back: its heartbeat learns the job no longer runs; it is not handed out again
    expect(await recordHeartbeat(q, fleet[2]!.agent.id, "busy", job!.id, progress)).toEqual({ jobRunning: false });
    expect(await claimNextJob(q, fleet[2]!.agent)).toBeNull();
    expect((await listAgents(db.db, 60)).find((a) => a.id === fleet[2]!.agent.id)!.currentJobId).toBeNull();
  });

  it("a restarted agent that no longer holds its job gets it abandoned at registration", async () => {
    await enqueueJobs(q, { kind: "agent", agentId: fleet[1]!.agent.id }, request);
    const job = await claimNextJob(q, fleet[1]!.agent);
    const { orphanJobId } = await registerAgent(q, fleet[1]!.agent.tokenId, { name: "a1", version: "test", device: deviceOf("Agent Device 1"), currentJobId: null });
    expect(orphanJobId).toBe(job!.id);
    // ...and the one it does hold is kept
    await enqueueJobs(q, { kind: "agent", agentId: fleet[0]!.agent.id }, request);
    const held = await claimNextJob(q, fleet[0]!.agent);
    const r = await registerAgent(q, fleet[0]!.agent.tokenId, { name: "a0", version: "test", device: deviceOf("Agent Device 0"), currentJobId: held!.id });
    expect(r.orphanJobId).toBeNull();
    expect(await failJob(q, fleet[0]!.agent, held!.id, "stopped by SIGTERM", true)).toEqual({ state: "abandoned" });
  });

  it("enqueueing for nobody is an error, and 'all' reaches every agent", async () => {
    await expect(enqueueJobs(q, { kind: "class", deviceClass: "server" }, request)).rejects.toMatchObject({ code: "no_agents" });
    expect(refusalStatus("no_agents")).toBe(404);
    const { batchId, jobs } = await enqueueJobs(q, { kind: "all" }, request);
    expect(jobs).toHaveLength(3);
    const counts = rowsOf<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from agent_jobs where state = 'queued' and batch_id = ${batchId}`));
    expect(counts[0]!.n).toBe(3);
    expect(rowsOf<{ job_count: number }>(await db.db.execute(sql`select job_count from agent_batches where id = ${batchId}`))[0]!.job_count).toBe(3);
    // A revoked agent token is left out (it could never claim its job).
    await db.db.execute(sql`update runner_tokens set revoked_at = now() where id = ${fleet[2]!.agent.tokenId}`);
    expect((await enqueueJobs(q, { kind: "all" }, request)).jobs.map((j) => j.agentId).sort()).toEqual([fleet[0]!.agent.id, fleet[1]!.agent.id].sort());
    await db.db.execute(sql`update runner_tokens set revoked_at = null where id = ${fleet[2]!.agent.tokenId}`);
  });

  it("the reaper runs in one process at a time: while one holds its lock, another returns at once", async () => {
    if (kind === "pglite") {
      // One connection in process: the lock is taken and released by each call.
      expect(await reapJobs(q, 60)).toEqual([]);
      return;
    }
    const other = await openJobQueue(db);
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      // Process A holds the reaper's lock (as a reap in progress does).
      const a = other.tx(async (exec) => {
        await exec.executeSql(`select pg_advisory_xact_lock(7152, 1)`);
        await held;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(await reapJobs(q, 60)).toBeNull();
      release();
      await a;
      expect(await reapJobs(q, 60)).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("ingest refuses an agent token's submission for another device (403), and before registration", async () => {
    const limiter = createRateLimiter(1e6, 1e6);
    const post = (token: string, body: unknown) =>
      callApi(new Request("http://x/api/v1/submissions", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }), db.db, { limiter });
    const own = await post(fleet[0]!.token, makeSubmission({ deviceModel: fleet[0]!.model }));
    expect(own.status).toBe(201);
    const other = await post(fleet[0]!.token, makeSubmission({ deviceModel: fleet[1]!.model }));
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ error: { code: "device_mismatch" } });
    const unregistered = await createToken(db.db, `agent-new-${kind}`, "agent");
    const r = await post(unregistered, makeSubmission({ deviceModel: "anything" }));
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: { code: "agent_not_registered" } });
    // runner tokens keep working for any device
    const runner = await createToken(db.db, `runner-${kind}`);
    expect((await post(runner, makeSubmission({ deviceModel: "whatever" }))).status).toBe(201);
  });
});
