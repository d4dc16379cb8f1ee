/**
 * Agent jobs: pg-boss carries them (one queue per agent, so an agent pulls only its own jobs), and
 * `agent_jobs` keeps their metadata for the dashboard. Every state change runs the pg-boss
 * operation and the metadata update in one transaction.
 *
 * Rules:
 * - A batch (one suite queued for one agent, a device class or all agents) fans out to one job per
 *   matching agent; unique (batch, agent) and pg-boss's fetch (SKIP LOCKED, state -> active) make
 *   each job run at most once. pg-boss never retries (retryLimit 0).
 * - An agent runs one job at a time; a job completes with exactly one submission, uploaded by
 *   that agent's token (submission_id is unique, so no submission completes two jobs).
 * - A running job whose agent is silent for longer than the agent timeout, or that runs past its
 *   own timeoutS, is marked failed (not re-queued: a job measures one device, and another
 *   device's numbers would not answer it). pg-boss's own expiry (timeoutS + 5 min) is a backstop.
 */
import { randomUUID } from "node:crypto";
import type { AgentJob, JobRequest, JobTarget } from "../../core/contracts/agents";
import type { AgentIdentity } from "./agents";
import type { JobQueue, SqlExecutor } from "./job-queue";

export const AGENT_JOB_ERRORS = ["not_found", "not_your_job", "not_running", "already_completed", "submission_missing", "not_your_submission", "submission_used", "no_agents"] as const;

/** A job operation that the rules above refuse; lib/server/http/refusals.ts maps each code to its HTTP status. */
export class AgentJobError extends Error {
  constructor(
    readonly code: (typeof AGENT_JOB_ERRORS)[number],
    message: string,
  ) {
    super(message);
    this.name = "AgentJobError";
  }
}

/** Seconds past a job's own timeout after which pg-boss expires it, should the reaper not run. */
const BOSS_EXPIRY_MARGIN_S = 300;
/** Queued jobs not picked up within this many days are failed (pg-boss archives them too). */
const QUEUED_MAX_DAYS = 14;

export interface EnqueueResult {
  batchId: string;
  jobs: { id: string; agentId: number }[];
}

/** Queues `request` for every agent `target` matches: one job each, in one transaction. */
export async function enqueueJobs(q: JobQueue, target: JobTarget, request: JobRequest): Promise<EnqueueResult> {
  return q.tx(async (exec) => {
    const where =
      target.kind === "agent" ? ["a.id = $1", [target.agentId]] : target.kind === "class" ? ["a.device_class = $1", [target.deviceClass]] : ["true", []];
    // Only agents whose queue exists (one still registering is left out) and whose token is not
    // revoked (it could never pull the job).
    const found = (
      await exec.executeSql(
        `select a.id, a.queue from agents a join pgboss.queue q on q.name = a.queue join runner_tokens t on t.id = a.token_id
         where t.revoked_at is null and ${where[0]} order by a.id`,
        where[1] as unknown[],
      )
    ).rows as {
      id: number;
      queue: string;
    }[];
    if (found.length === 0) {
      throw new AgentJobError("no_agents", target.kind === "agent" ? `no agent ${target.agentId}` : "no registered agent matches the target");
    }
    const batchId = randomUUID();
    const jobs = found.map((a) => ({ id: randomUUID(), agentId: a.id, queue: a.queue }));
    await exec.executeSql(`insert into agent_batches (id, target, request, job_count) values ($1, $2::jsonb, $3::jsonb, $4)`, [
      batchId,
      JSON.stringify(target),
      JSON.stringify(request),
      jobs.length,
    ]);
    await exec.executeSql(
      `insert into agent_jobs (id, batch_id, agent_id, request, state)
       select id, $1, agent_id, $2::jsonb, 'queued' from unnest($3::uuid[], $4::int[]) as t(id, agent_id)`,
      [batchId, JSON.stringify(request), jobs.map((j) => j.id), jobs.map((j) => j.agentId)],
    );
    await q.boss.insert(
      jobs.map((j) => ({
        id: j.id,
        name: j.queue,
        data: { batchId, request },
        retryLimit: 0,
        expireInSeconds: request.timeoutS + BOSS_EXPIRY_MARGIN_S,
      })),
      { db: exec },
    );
    // pg-boss's insert silently skips a job whose queue is missing: never leave metadata without its job.
    const inserted = (await exec.executeSql(`select count(*)::int as n from pgboss.job where id = any($1::uuid[])`, [jobs.map((j) => j.id)])).rows[0] as { n: number };
    if (inserted.n !== jobs.length) throw new Error(`pg-boss stored ${inserted.n} of ${jobs.length} jobs; nothing was queued`);
    return { batchId, jobs: jobs.map(({ id, agentId }) => ({ id, agentId })) };
  });
}

async function failInBoss(q: JobQueue, exec: SqlExecutor, rows: { id: string; queue: string }[], reason: string) {
  for (const r of rows) await q.boss.fail(r.queue, r.id, { reason }, { db: exec });
}

/**
 * The agent's next job, or null. Fetching marks it active in pg-boss (exactly once, SKIP LOCKED)
 * and running here, in one transaction. (A job an agent dropped without saying so is abandoned
 * when it registers again, or failed by reapJobs when it falls silent.)
 */
export async function claimNextJob(q: JobQueue, agent: AgentIdentity): Promise<AgentJob | null> {
  // An agent polls only when it holds no job: a job still running for it was handed out in a
  // reply the agent never got (lost, timed out). Hand the same job back instead of orphaning it.
  const held = await q.exec.executeSql(`select id, batch_id, request from agent_jobs where agent_id = $1 and state = 'running' order by started_at limit 1`, [agent.id]);
  const h = held.rows[0] as { id: string; batch_id: string; request: JobRequest | string } | undefined;
  if (h) return { id: h.id, batchId: h.batch_id, request: typeof h.request === "string" ? (JSON.parse(h.request) as JobRequest) : h.request };
  // Most polls find nothing: one indexed read, no transaction, no pg-boss round trips.
  const pending = await q.exec.executeSql(`select 1 from agent_jobs where agent_id = $1 and state = 'queued' limit 1`, [agent.id]);
  if (pending.rows.length === 0) return null;
  return q.tx(async (exec) => {
    const [job] = await q.boss.fetch<{ batchId: string; request: JobRequest }>(agent.queue, { db: exec });
    if (!job) return null;
    const r = await exec.executeSql(
      `update agent_jobs set state = 'running', started_at = now(), progress = null
       where id = $1 and agent_id = $2 and state = 'queued' returning id, batch_id, request`,
      [job.id, agent.id],
    );
    const row = r.rows[0] as { id: string; batch_id: string; request: JobRequest | string } | undefined;
    if (!row) {
      // Cannot happen while both are written together; never hand out a job the dashboard cannot see.
      await q.boss.fail(agent.queue, job.id, { reason: "no job metadata" }, { db: exec });
      return null;
    }
    await exec.executeSql(`update agents set current_job_id = $1, status = 'busy', last_seen_at = now() where id = $2`, [row.id, agent.id]);
    const request = typeof row.request === "string" ? (JSON.parse(row.request) as JobRequest) : row.request;
    return { id: row.id, batchId: row.batch_id, request };
  });
}

async function lockOwnJob(exec: SqlExecutor, agent: AgentIdentity, jobId: string) {
  const j = (await exec.executeSql(`select agent_id, state, submission_id, error from agent_jobs where id = $1 for update`, [jobId])).rows[0] as
    | { agent_id: number; state: string; submission_id: string | null; error: string | null }
    | undefined;
  if (!j) throw new AgentJobError("not_found", `no job ${jobId}`);
  if (j.agent_id !== agent.id) throw new AgentJobError("not_your_job", `job ${jobId} belongs to another agent`);
  return j;
}

/** Completes a running job with the submission the agent uploaded for it. Repeating the same call is answered as a duplicate. */
export async function completeJob(q: JobQueue, agent: AgentIdentity, jobId: string, submissionId: string): Promise<{ status: "completed" | "duplicate" }> {
  return q.tx(async (exec) => {
    const j = await lockOwnJob(exec, agent, jobId);
    if (j.state === "completed") {
      if (j.submission_id === submissionId) return { status: "duplicate" as const };
      throw new AgentJobError("already_completed", `job ${jobId} is already completed with submission ${j.submission_id}`);
    }
    if (j.state !== "running") throw new AgentJobError("not_running", `job ${jobId} is ${j.state}${j.error ? `: ${j.error}` : ""}`);
    const s = (
      await exec.executeSql(`select s.token_id, (select id from agent_jobs u where u.submission_id = s.id) as used_by from submissions s where s.id = $1`, [
        submissionId,
      ])
    ).rows[0] as { token_id: number | null; used_by: string | null } | undefined;
    if (!s) throw new AgentJobError("submission_missing", `submission ${submissionId} is not stored; upload it before completing the job`);
    if (s.token_id !== agent.tokenId) throw new AgentJobError("not_your_submission", `submission ${submissionId} was not uploaded by this agent`);
    if (s.used_by) throw new AgentJobError("submission_used", `submission ${submissionId} already completed job ${s.used_by}`);
    await exec.executeSql(`update agent_jobs set state = 'completed', submission_id = $2, finished_at = now() where id = $1`, [jobId, submissionId]);
    await q.boss.complete(agent.queue, jobId, { submissionId }, { db: exec });
    await exec.executeSql(`update agents set current_job_id = null, status = 'idle' where id = $1 and current_job_id = $2`, [agent.id, jobId]);
    return { status: "completed" as const };
  });
}

/**
 * Fails (the measurement failed) or abandons (the agent stopped) a job the agent holds. A job the
 * server already failed is answered with its state; a completed one cannot fail.
 */
export async function failJob(q: JobQueue, agent: AgentIdentity, jobId: string, reason: string, abandoned: boolean): Promise<{ state: string }> {
  return q.tx(async (exec) => {
    const j = await lockOwnJob(exec, agent, jobId);
    if (j.state === "failed" || j.state === "abandoned") return { state: j.state };
    if (j.state === "completed") throw new AgentJobError("already_completed", `job ${jobId} is already completed`);
    const state = abandoned ? "abandoned" : "failed";
    await exec.executeSql(`update agent_jobs set state = $2, error = $3, finished_at = now() where id = $1`, [jobId, state, reason]);
    await failInBoss(q, exec, [{ id: jobId, queue: agent.queue }], reason);
    await exec.executeSql(`update agents set current_job_id = null, status = 'idle' where id = $1 and current_job_id = $2`, [agent.id, jobId]);
    return { state };
  });
}

/**
 * Fails running jobs of agents silent for longer than `agentTimeoutS` or past their own timeoutS,
 * and queued jobs nobody picked up for QUEUED_MAX_DAYS. Safe to run from several processes at once
 * (row locks, SKIP LOCKED). Returns what it failed.
 */
export async function reapJobs(q: JobQueue, agentTimeoutS: number): Promise<{ id: string; agentId: number; reason: string }[]> {
  return q.tx(async (exec) => {
    const rows = (
      await exec.executeSql(
        `with lost as (
           select j.id, a.id as agent_id, a.queue,
             case
               when j.state = 'queued' then 'not picked up within ${QUEUED_MAX_DAYS} days'
               when a.last_seen_at < now() - make_interval(secs => $1::int) then 'agent lost: no heartbeat for more than ' || $1::int::text || ' s'
               else 'timed out: running for more than ' || (j.request->>'timeoutS') || ' s'
             end as reason
           from agent_jobs j join agents a on a.id = j.agent_id
           where (j.state = 'running' and (a.last_seen_at < now() - make_interval(secs => $1::int)
                                           or j.started_at < now() - make_interval(secs => (j.request->>'timeoutS')::int)))
              or (j.state = 'queued' and j.queued_at < now() - interval '${QUEUED_MAX_DAYS} days')
           for update of j skip locked
         )
         update agent_jobs j set state = 'failed', error = lost.reason, finished_at = now()
         from lost where j.id = lost.id
         returning j.id, lost.agent_id, lost.queue, lost.reason`,
        [agentTimeoutS],
      )
    ).rows as { id: string; agent_id: number; queue: string; reason: string }[];
    for (const r of rows) await failInBoss(q, exec, [r], r.reason);
    if (rows.length) {
      await exec.executeSql(`update agents set current_job_id = null, status = case when status = 'busy' then 'idle' else status end where current_job_id = any($1::uuid[])`, [
        rows.map((r) => r.id),
      ]);
    }
    return rows.map((r) => ({ id: r.id, agentId: r.agent_id, reason: r.reason }));
  });
}
