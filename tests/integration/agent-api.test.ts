/**
 * The agent loop (runners/agent/agent.ts) against the agent API over real HTTP, with the null
 * measurement, on both databases: a job end to end, the server going away mid-job and coming
 * back on the same port, a stop during a measurement, and the API's refusals.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { jobRequestSchema } from "../../lib/core/contracts/agents";
import { parseSubmission, type Device } from "../../lib/core/contracts/submission";
import { rowsOf } from "../../lib/server/db/client";
import { enqueueJobs } from "../../lib/server/fleet/jobs";
import { openJobQueue, type JobQueue } from "../../lib/server/fleet/job-queue";
import { agentJobs, agents, submissions } from "../../lib/server/db/schema";
import { createToken } from "../../lib/server/store/tokens";
import { Agent, type Measure } from "../../runners/agent/agent";
import { AgentClient } from "../../runners/agent/client";
import { nullMeasure } from "../../runners/agent/measure-null";
import { AgentStateFile } from "../../runners/agent/state";
import { Outbox } from "../../runners/upload/outbox";
import { startTestApiServer } from "../../harness/api";
import { DB_KINDS, openTestDb, type TestDb } from "../helpers/db";
import { makeSubmission } from "../../harness/fixtures";

const device = (model: string): Device => {
  const s = parseSubmission(makeSubmission({ deviceModel: model }));
  if (!s.ok) throw new Error("fixture");
  return s.submission.device;
};

/** Resolves when `check` returns a truthy value (polled); fails the test after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(DB_KINDS)("agent over HTTP on %s", (kind) => {
  let db: TestDb;
  let q: JobQueue;
  let api: Awaited<ReturnType<typeof startTestApiServer>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-agent-api-"));
  const logs: string[] = [];

  beforeAll(async () => {
    db = await openTestDb(kind);
    q = await openJobQueue(db);
    api = await startTestApiServer(db.db, q);
  });
  afterAll(async () => {
    await api?.close();
    await q?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const makeAgent = (name: string, token: string, measure: Measure, extra: Partial<ConstructorParameters<typeof Agent>[0]> = {}) =>
    new Agent({
      client: new AgentClient(api.url, token, 5000),
      token,
      name,
      version: "test",
      probe: async () => device(name),
      measure,
      outbox: new Outbox(path.join(dir, name, "outbox")),
      state: new AgentStateFile(path.join(dir, name, "state.json")),
      pollIntervalMs: 100,
      heartbeatIntervalMs: 100,
      backoff: { baseMs: 50, maxMs: 300 },
      once: false,
      stopGraceMs: 3000,
      log: (m) => logs.push(`${name}: ${m}`),
      ...extra,
    });

  /** An agent with its own agent token and a null measurement (`msPerGenToken` ms a generated token), running once the server has answered its registration; and its row. */
  const startAgent = async (name: string, msPerGenToken: number) => {
    const token = await createToken(db.db, name, "agent");
    const agent = makeAgent(name, token, nullMeasure(device(name), 0.01, msPerGenToken));
    const running = agent.run();
    // registered = the server answered (its queue exists), not just the row written
    await until("registration", async () => logs.some((l) => l.startsWith(`${name}: registered as agent`)));
    const row = (await db.db.select().from(agents)).find((r) => r.name === name)!;
    return { agent, running, row };
  };

  const jobRow = async (id: string) => (await db.db.select().from(agentJobs).where(eq(agentJobs.id, id)))[0];

  it("registers, heartbeats, pulls, measures, uploads and completes; survives the server going away mid-job", async () => {
    // A slow null measurement (1 ms per generated token, 4 x 200 tokens): the server is stopped while it runs.
    const { agent, running, row: a } = await startAgent("fleet-a", 1);
    const request = jobRequestSchema.parse({ model: "null.gguf", workloads: ["tg200", "pp64+tg200"], repetitions: 1 });
    const { jobs } = await enqueueJobs(q, { kind: "agent", agentId: a.id }, request);
    const jobId = jobs[0]!.id;
    await until("progress", async () => (await jobRow(jobId))?.progress);
    // the server goes away while the job is measured...
    const port = Number(new URL(api.url).port);
    await api.close();
    const outboxDir = path.join(dir, "fleet-a", "outbox");
    await until("the result in the outbox, the server being down", async () => fs.existsSync(outboxDir) && fs.readdirSync(outboxDir).some((f) => f.endsWith(".json")));
    expect((await jobRow(jobId))!.state).toBe("running");
    // ...and comes back on the same address
    api = await startTestApiServer(db.db, q, 60, port);
    const done = await until("completion", async () => ((await jobRow(jobId))?.state === "completed" ? jobRow(jobId) : null));
    agent.stop("test");
    await running;
    const subs = await db.db.select().from(submissions).where(eq(submissions.id, done!.submissionId!));
    expect(subs).toHaveLength(1);
    expect(fs.readdirSync(outboxDir).filter((f) => f.endsWith(".json"))).toEqual([]);
    expect(logs.join("\n")).toMatch(/server reachable again/);
    const [after] = await db.db.select().from(agents).where(eq(agents.id, a.id));
    expect(after!.status).toBe("stopped");
    expect(after!.lastSeenAt.getTime()).toBeGreaterThan(a.lastSeenAt.getTime());
    // exactly one job, completed
    const rows = rowsOf<{ state: string }>(await db.db.execute(sql`select state from agent_jobs where id = ${jobId}`));
    expect(rows.map((r) => r.state)).toEqual(["completed"]);
  });

  it("a stop during a measurement abandons the job and tells the server", async () => {
    const { agent, running, row: b } = await startAgent("fleet-b", 5);
    const { jobs } = await enqueueJobs(q, { kind: "agent", agentId: b.id }, jobRequestSchema.parse({ model: "null.gguf", workloads: ["tg500"], repetitions: 3 }));
    await until("progress", async () => (await jobRow(jobs[0]!.id))?.progress);
    agent.stop("SIGTERM");
    await running;
    expect(await jobRow(jobs[0]!.id)).toMatchObject({ state: "abandoned", error: expect.stringMatching(/SIGTERM/) });
    expect(logs.join("\n")).toMatch(/abandoned job .* the server was told/);
    expect(new AgentStateFile(path.join(dir, "fleet-b", "state.json")).read().job).toBeNull();
  });

  it("refuses bad bodies (400 with issues), runner tokens (403) and other agents' jobs (403)", async () => {
    const token = await createToken(db.db, "fleet-c", "agent");
    const post = (p: string, body: unknown, t = token) =>
      fetch(`${api.url}${p}`, { method: "POST", headers: { authorization: `Bearer ${t}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const bad = await post("/api/v1/agents/register", { name: "", version: "1", device: { vendor: "x" } });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(badBody.error.code).toBe("invalid_request");
    expect(badBody.error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(["name", "device.model"]));
    expect((await post("/api/v1/agents/jobs/next", {})).status).toBe(403); // not registered yet
    expect((await post("/api/v1/agents/register", { name: "c", version: "1", device: device("fleet-c") })).status).toBe(200);
    expect((await post("/api/v1/agents/jobs/next", {})).status).toBe(204);
    expect((await post("/api/v1/agents/heartbeat", { status: "sleeping" })).status).toBe(400);
    const runner = await createToken(db.db, "runner-c");
    expect((await post("/api/v1/agents/jobs/next", {}, runner)).status).toBe(403);
    expect((await post("/api/v1/agents/jobs/next", {}, "tw_nope")).status).toBe(401);
    // fleet-a's job, asked for by fleet-c
    const [other] = await db.db.select().from(agentJobs).limit(1);
    const r = await post(`/api/v1/agents/jobs/${other!.id}/fail`, { reason: "mine now" });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: { code: "not_your_job" } });
    // queueing needs an admin token
    const enqueue = { target: { kind: "all" }, request: { model: "null.gguf" } };
    expect((await post("/api/v1/agents/jobs", enqueue)).status).toBe(403);
    const admin = await createToken(db.db, "admin-c", "admin");
    const created = await post("/api/v1/agents/jobs", enqueue, admin);
    expect(created.status).toBe(201);
    expect(((await created.json()) as { jobs: unknown[] }).jobs).toHaveLength(3);
    expect((await post("/api/v1/agents/jobs", { target: { kind: "class", deviceClass: "toaster" }, request: {} }, admin)).status).toBe(400);

    // The hostile inputs the security review found answered 500 (N6): each is a 4xx now, nothing written.
    const nulDevice = { ...device("fleet-c"), cpu: { ...device("fleet-c").cpu, flags: ["a\u0000b"] } };
    expect((await post("/api/v1/agents/register", { name: "c", version: "1", device: nulDevice })).status).toBe(400);
    const progress = { workloadId: "a\u0000", workloadIndex: 0, workloads: 1, repetitionsDone: 0, repetitions: 1, phase: "rep" };
    expect((await post("/api/v1/agents/heartbeat", { status: "busy", jobId: null, progress })).status).toBe(400);
    for (const id of ["not-a-uuid", "xyz", "%00"]) {
      const c = await post(`/api/v1/agents/jobs/${id}/complete`, { submissionId: "00000000-0000-4000-8000-000000000000" });
      expect(c.status, id).toBe(404);
      expect((await post(`/api/v1/agents/jobs/${id}/fail`, { reason: "x" })).status, id).toBe(404);
    }
    expect((await post("/api/v1/agents/jobs", { target: { kind: "agent", agentId: 1099511627776 }, request: { model: "null.gguf" } }, admin)).status).toBe(400);
    const webllm = await fetch(`${api.url}/api/v1/browser/webllm/%ff/x.json`);
    expect(webllm.status).toBe(400);
  });
});
