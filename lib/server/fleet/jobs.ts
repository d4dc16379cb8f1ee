/**
 * Agent jobs: `agent_jobs` is the queue and the record at once. Each job names its agent; an agent
 * claims its own next job with one statement (FOR UPDATE SKIP LOCKED, the way pg-boss and
 * Graphile Worker fetch), so a fleet of 10,000 agents needs 10,000 rows, not 10,000 queues: pg-boss
 * 10 kept one table partition per queue, and creating 4,000 of them took minutes and exhausted the
 * lock table (see docs/scale.md).
 *
 * Rules:
 * - A batch (one suite queued for one agent, a device class or all agents) fans out to one job per
 *   matching agent in one INSERT ... SELECT; unique (batch, agent) and the claim (a row lock, state
 *   queued -> running in the same statement) make each job run at most once. Nothing is retried.
 * - An agent runs one job at a time; a job completes with exactly one submission, uploaded by
 *   that agent's token (submission_id is unique, so no submission completes two jobs). An agent
 *   asking again while its job runs (the reply was lost) gets the same job back.
 * - A running job whose agent is silent for longer than the agent timeout, or that runs past its
 *   own timeoutS, is marked failed (not re-queued: a job measures one device, and another
 *   device's numbers would not answer it); so is a queued job nobody claimed in 14 days. The reaper
 *   runs in one server process at a time (an advisory lock).
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

/** Queued jobs not picked up within this many days are failed. */
const QUEUED_MAX_DAYS = 14;
/** The advisory lock (class, key) the reaper holds while it runs: one process at a time. */
const REAPER_LOCK: [number, number] = [7152, 1];

export interface EnqueueResult {
  batchId: string;
  jobs: { id: string; agentId: number }[];
}

/** Queues `request` for every agent `target` matches: one job each, in one statement. */
export async function enqueueJobs(q: JobQueue, target: JobTarget, request: JobRequest): Promise<EnqueueResult> {
  return q.tx(async (exec) => {
    const where =
      target.kind === "agent" ? ["a.id = $3", [target.agentId]] : target.kind === "class" ? ["a.device_class = $3", [target.deviceClass]] : ["true", []];
    const batchId = randomUUID();
    // Agents whose token is not revoked (a revoked one could never claim the job). The batch row
    // first (the jobs reference it), its count set from the jobs in the same transaction.
    await exec.executeSql(`insert into agent_batches (id, target, request, job_count) values ($1, $2::jsonb, $3::jsonb, 0)`, [batchId, JSON.stringify(target), JSON.stringify(request)]);
    const rows = (
      await exec.executeSql(
        `insert into agent_jobs (id, batch_id, agent_id, request, state)
         select gen_random_uuid(), $1, a.id, $2::jsonb, 'queued'
         from agents a join runner_tokens t on t.id = a.token_id
         where t.revoked_at is null and ${where[0]}
         order by a.id
         returning id, agent_id`,
        [batchId, JSON.stringify(request), ...(where[1] as unknown[])],
      )
    ).rows as { id: string; agent_id: number }[];
    if (rows.length === 0) {
      throw new AgentJobError("no_agents", target.kind === "agent" ? `no agent ${target.agentId}` : "no registered agent matches the target");
    }
    await exec.executeSql(`update agent_batches set job_count = $2 where id = $1`, [batchId, rows.length]);
    return { batchId, jobs: rows.map((r) => ({ id: r.id, agentId: Number(r.agent_id) })) };
  });
}

type JobRow = { id: string; batch_id: string; request: JobRequest | string };
const toJob = (r: JobRow): AgentJob => ({ id: r.id, batchId: r.batch_id, request: typeof r.request === "string" ? (JSON.parse(r.request) as JobRequest) : r.request });

/**
 * The agent's next job, or null: the job it already runs (handed out in a reply it never got), else
 * its oldest queued job, claimed (queued -> running) with a row lock that a concurrent claim skips.
 * (A job an agent dropped without saying so is abandoned when it registers again, or failed by
 * reapJobs when it falls silent.)
 */
export async function claimNextJob(q: JobQueue, agent: AgentIdentity): Promise<AgentJob | null> {
  const held = await q.exec.executeSql(`select id, batch_id, request from agent_jobs where agent_id = $1 and state = 'running' order by started_at limit 1`, [agent.id]);
  if (held.rows[0]) return toJob(held.rows[0] as JobRow);
  // Most polls find nothing: one indexed read, no transaction.
  const pending = await q.exec.executeSql(`select 1 from agent_jobs where agent_id = $1 and state = 'queued' limit 1`, [agent.id]);
  if (pending.rows.length === 0) return null;
  return q.tx(async (exec) => {
    // Claims of one agent one at a time (two polls at once, a retried request): the second sees the
    // first's job running and gets it back instead of a second job.
    await exec.executeSql(`select 1 from agents where id = $1 for update`, [agent.id]);
    const again = await exec.executeSql(`select id, batch_id, request from agent_jobs where agent_id = $1 and state = 'running' order by started_at limit 1`, [agent.id]);
    if (again.rows[0]) return toJob(again.rows[0] as JobRow);
    const r = await exec.executeSql(
      `with next as (
         select id from agent_jobs where agent_id = $1 and state = 'queued' order by queued_at, id limit 1 for update skip locked
       )
       update agent_jobs j set state = 'running', started_at = now(), progress = null from next where j.id = next.id
       returning j.id, j.batch_id, j.request`,
      [agent.id],
    );
    const row = r.rows[0] as JobRow | undefined;
    if (!row) return null;
    await exec.executeSql(`update agents set current_job_id = $1, status = 'busy', last_seen_at = now() where id = $2`, [row.id, agent.id]);
    return toJob(row);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function lockOwnJob(exec: SqlExecutor, agent: AgentIdentity, jobId: string) {
  // Job ids are uuids: anything else names no job (and must not reach the uuid column).
  if (!UUID.test(jobId)) throw new AgentJobError("not_found", `no job ${JSON.stringify(jobId.slice(0, 80))}`);
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
    await exec.executeSql(`update agents set current_job_id = null, status = 'idle' where id = $1 and current_job_id = $2`, [agent.id, jobId]);
    return { state };
  });
}

/**
 * Fails running jobs of agents silent for longer than `agentTimeoutS` or past their own timeoutS,
 * and queued jobs nobody picked up for QUEUED_MAX_DAYS. One process at a time: the others find the
 * advisory lock held and return at once (null). Returns what it failed.
 */
export async function reapJobs(q: JobQueue, agentTimeoutS: number): Promise<{ id: string; agentId: number; reason: string }[] | null> {
  return q.tx(async (exec) => {
    const lock = (await exec.executeSql(`select pg_try_advisory_xact_lock($1, $2) as ok`, REAPER_LOCK)).rows[0] as { ok: boolean };
    if (!lock.ok) return null;
    const rows = (
      await exec.executeSql(
        `with lost as (
           select j.id, a.id as agent_id,
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
         returning j.id, lost.agent_id, lost.reason`,
        [agentTimeoutS],
      )
    ).rows as { id: string; agent_id: number; reason: string }[];
    if (rows.length) {
      await exec.executeSql(`update agents set current_job_id = null, status = case when status = 'busy' then 'idle' else status end where current_job_id = any($1::uuid[])`, [
        rows.map((r) => r.id),
      ]);
    }
    return rows.map((r) => ({ id: r.id, agentId: r.agent_id, reason: r.reason }));
  });
}
