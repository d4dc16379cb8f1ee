/**
 * The agent lifecycle end to end against the real PostgreSQL: the production server
 * (bin/start.mjs) on a throwaway database and `tokenwatt agent` as a child process measuring
 * stories260K. Register, heartbeat, pull, measure, upload; the server is stopped mid-job and started
 * again at the same address; the agent delivers and completes; exactly one stored submission.
 * Then SIGTERM during a measurement: the job is abandoned and the server told.
 *
 * In the e2e project (files run one at a time) because it starts the production server, which
 * builds the app when the build is stale; two builds at once would share .next.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openDb, type DbHandle } from "../../lib/server/db/client";
import { agentJobs, agents, submissions, workloadResults } from "../../lib/server/db/schema";
import { createToken } from "../../lib/server/store/tokens";
import { launchBrowser } from "../../harness/browser";
import { createPostgresDatabase } from "../../harness/postgres";
import { freePort, startServer, type RunningServer } from "../../harness/server";

/** Jobs name a file of the agent's models directory, never a path (the agent's copy is made below). */
const STORIES = "stories260K.gguf";

async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, ms = 90_000, detail: () => string = () => ""): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("agent lifecycle (real PostgreSQL, production server, stories260K)", () => {
  let dbUrl: string;
  let dropDb: () => Promise<void>;
  let h: DbHandle;
  let srv: RunningServer | null = null;
  let port: number;
  let agentToken: string;
  let adminToken: string;
  let agent: ChildProcess | null = null;
  let agentLog = "";
  const agentDir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-agent-e2e-"));
  fs.mkdirSync(path.join(agentDir, "models"), { recursive: true });
  fs.copyFileSync(path.resolve("../shared/models/stories260K.gguf"), path.join(agentDir, "models", STORIES));
  const serverEnv = () => ({ DATABASE_URL: dbUrl, PORT: String(port), TOKENWATT_AGENT_TIMEOUT_S: "60" });

  beforeAll(async () => {
    ({ url: dbUrl, drop: dropDb } = await createPostgresDatabase());
    h = await openDb({ databaseUrl: dbUrl, maxConnections: 2 });
    agentToken = await createToken(h.db, "e2e-agent", "agent");
    adminToken = await createToken(h.db, "e2e-admin", "admin");
    port = await freePort();
    srv = await startServer(serverEnv());
    agent = spawn(
      process.execPath,
      ["bin/tokenwatt.mjs", "agent", "--server", srv.url, "--token", agentToken, "--name", "e2e-agent", "--poll-interval", "0.5", "--heartbeat-interval", "0.5", "--max-backoff", "1", "--no-power", "--no-bandwidth"],
      { env: { ...process.env, TOKENWATT_DATA_DIR: agentDir, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    agent.stdout!.on("data", (d) => (agentLog += d));
    agent.stderr!.on("data", (d) => (agentLog += d));
  }, 300_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
    await srv?.stop();
    await h?.close();
    await dropDb?.();
    fs.rmSync(agentDir, { recursive: true, force: true });
  });

  const enqueue = async (agentId: number, request: object) => {
    const r = await fetch(`${srv!.url}/api/v1/agents/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ target: { kind: "agent", agentId }, request }),
    });
    expect(r.status).toBe(201);
    return ((await r.json()) as { jobs: { id: string }[] }).jobs[0]!.id;
  };
  const job = async (id: string) => (await h.db.select().from(agentJobs).where(eq(agentJobs.id, id)))[0];
  const log = () => `agent log:\n${agentLog}\nserver log:\n${srv?.output().slice(-3000) ?? ""}`;

  it("runs a job across a server restart and stores its result exactly once", async () => {
    await until("registration", async () => /registered as agent/.test(agentLog), 90_000, log);
    const [a] = await h.db.select().from(agents);
    expect(a).toMatchObject({ name: "e2e-agent", status: "idle" });
    const jobId = await enqueue(a!.id, { model: STORIES, workloads: ["pp64", "tg16", "pp64+tg16", "ttft"], repetitions: 2, threads: 1 });
    // the agent pulled it and reports progress through heartbeats
    const running = await until("progress", async () => ((await job(jobId))?.progress ? job(jobId) : null), 90_000, log);
    expect(running).toMatchObject({ state: "running", progress: { workloads: 4, repetitions: 2 } });

    // the server stops mid-job...
    await srv!.stop();
    srv = null;
    // the agent's own directory: $TOKENWATT_DATA_DIR/agents/<hash of server and token>/outbox
    const agentsDir = path.join(agentDir, "agents");
    const outboxOf = () => {
      const [d] = fs.existsSync(agentsDir) ? fs.readdirSync(agentsDir) : [];
      return d ? path.join(agentsDir, d, "outbox") : null;
    };
    await until(
      "the measured result waiting in the outbox",
      async () => {
        const o = outboxOf();
        return !!o && fs.existsSync(o) && fs.readdirSync(o).some((f) => f.endsWith(".json"));
      },
      120_000,
      log,
    );
    expect(fs.readdirSync(agentsDir)).toHaveLength(1);
    const outbox = outboxOf()!;
    // ...and starts again at the same address
    srv = await startServer(serverEnv());
    const done = await until("completion", async () => ((await job(jobId))?.state === "completed" ? job(jobId) : null), 120_000, log);

    const stored = await h.db.select().from(submissions);
    expect(stored.map((s) => s.id)).toEqual([done!.submissionId]);
    const wr = await h.db.select().from(workloadResults).where(eq(workloadResults.submissionId, done!.submissionId!));
    expect(wr.map((w) => w.workloadId).sort()).toEqual(["pp64", "pp64+tg16", "tg16", "ttft"]);
    expect(wr.every((w) => w.status === "ok" && w.samplesNs.length === 2)).toBe(true);
    expect(fs.readdirSync(outbox).filter((f) => f.endsWith(".json"))).toEqual([]);
    expect(agentLog).toMatch(/server reachable again/);
    expect(agentLog).toMatch(new RegExp(`job ${jobId} completed with submission ${done!.submissionId}`));
    const [after] = await h.db.select().from(agents).where(eq(agents.id, a!.id));
    expect(after!.lastSeenAt.getTime()).toBeGreaterThan(running!.startedAt!.getTime());
    // the dashboard lists the agent online and the suite done
    const html = (await (await fetch(`${srv.url}/agents`, { headers: { cookie: srv.ownerCookie } })).text()).replace(/<!-- -->/g, "");
    expect(html).toMatch(/1 agents, 1 online/);
    expect(html).toMatch(/1 jobs: 1 completed/);
  });

  it("SIGTERM during a measurement abandons the job, tells the server, and exits 0", async () => {
    const [a] = await h.db.select().from(agents);
    const jobId = await enqueue(a!.id, { model: STORIES, workloads: ["pp64", "tg16", "pp64+tg16", "ttft"], repetitions: 3, threads: 1 });
    await until("progress", async () => (await job(jobId))?.progress, 90_000, log);
    const exited = new Promise<number | null>((r) => agent!.once("exit", (code) => r(code)));
    agent!.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(await job(jobId)).toMatchObject({ state: "abandoned", error: expect.stringMatching(/SIGTERM/) });
    expect(agentLog).toMatch(/abandoned job .*the server was told/);
    const [after] = await h.db.select().from(agents).where(eq(agents.id, a!.id));
    expect(after).toMatchObject({ status: "stopped", currentJobId: null });
    expect(await h.db.select().from(submissions)).toHaveLength(1);
    const html = (await (await fetch(`${srv!.url}/agents`, { headers: { cookie: srv!.ownerCookie } })).text()).replace(/<!-- -->/g, "");
    expect(html).toMatch(/1 agents, 0 online/);
    expect(html).toMatch(/abandoned/);
  });

  it("the dashboard's form queues a suite for one agent, and answers bad input with field errors", async () => {
    const browser = await launchBrowser();
    try {
      const page = await srv!.ownerPage(browser);
      await page.goto(`${srv!.url}/agents`);
      await page.selectOption("#q-targetKind", "agent");
      await page.selectOption("#q-agentId", { label: "e2e-agent (#1)" });
      // an attacker's URL or a path on the agents is refused on the field
      await page.fill("#q-model", "https://attacker.invalid/payload.gguf");
      await page.fill("#q-workloads", "pp64");
      await page.locator("form:has(#q-model) button[type=submit]").click();
      // the field's error (not its hint, which says the same): the answer has arrived before the next fill
      await page.locator("p.field-error", { hasText: "never a URL or a path" }).waitFor();
      await page.fill("#q-model", STORIES);
      await page.fill("#q-workloads", "pp64,tg");
      await page.locator("form:has(#q-model) button[type=submit]").click();
      await page.getByText("unknown workload id").waitFor();
      await page.fill("#q-workloads", "pp64");
      await page.locator("form:has(#q-model) button[type=submit]").click();
      await page.getByText(/Queued 1 job\(s\)/).waitFor();
      const queued = await h.db.select().from(agentJobs).where(eq(agentJobs.state, "queued"));
      expect(queued).toHaveLength(1);
      expect(queued[0]!.request).toMatchObject({ model: STORIES, workloads: ["pp64"], repetitions: 3 });
    } finally {
      await browser.close();
    }
  });
});
