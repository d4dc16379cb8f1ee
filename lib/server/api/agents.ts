/**
 * The agent API, independent of Next (the production server serves it directly, like ingest):
 *
 * - POST /api/v1/agents/register               agent token: register this device's agent
 * - POST /api/v1/agents/heartbeat              agent token: last seen, status, job progress
 * - POST /api/v1/agents/jobs/next              agent token: the next job (200) or none (204)
 * - POST /api/v1/agents/jobs/{id}/complete     agent token: { submissionId } uploaded for it
 * - POST /api/v1/agents/jobs/{id}/fail         agent token: { reason, abandoned }
 * - POST /api/v1/agents/jobs                   admin token: { target, request } queue a suite
 * - GET  /api/v1/agents                        admin token: agents and their state
 *
 * 401 no or unknown token, 403 revoked or wrong role or another agent's job, 400 with field
 * issues for bad bodies, 404 unknown job, 409 a job not in a state for the call.
 */
import type { z } from "zod";
import { completeBodySchema, enqueueBodySchema, failBodySchema, heartbeatBodySchema, registerBodySchema } from "../../core/contracts/agents";
import { toFieldIssues } from "../../core/contracts/submission";
import type { Db } from "../db/client";
import { AgentJobError, claimNextJob, completeJob, enqueueJobs, failJob } from "../fleet/jobs";
import { agentForToken, listAgents, recordHeartbeat, registerAgent, type AgentIdentity } from "../fleet/agents";
import type { JobQueue } from "../fleet/job-queue";
import { authenticate, type AuthResult } from "../store/tokens";
import { apiError, guarded, HttpError, readJson } from "../http/http";

export interface AgentDeps {
  db: Db;
  queue: JobQueue;
  /** Seconds without a heartbeat after which an agent is offline and its running job fails. */
  agentTimeoutS: number;
}

const MAX_AGENT_BODY_BYTES = 200_000;

function authError(auth: Extract<AuthResult, { ok: false }>): Response {
  if (auth.reason === "revoked") return apiError(403, "token_revoked", "this token has been revoked");
  return apiError(401, auth.reason === "missing" ? "missing_token" : "unknown_token", "send a token as 'Authorization: Bearer <token>'", undefined, {
    "www-authenticate": 'Bearer realm="tokenwatt"',
  });
}

async function body<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  const r = schema.safeParse(await readJson(req, MAX_AGENT_BODY_BYTES));
  if (!r.success) throw new BodyError(toFieldIssues(r.error.issues));
  return r.data;
}

class BodyError extends Error {
  constructor(readonly issues: ReturnType<typeof toFieldIssues>) {
    super(`the request has ${issues.length} invalid field(s)`);
    this.name = "BodyError";
  }
}

/** Runs `fn` with the agent of the request's agent token; maps the errors of this API. */
async function asAgent(req: Request, deps: AgentDeps, fn: (tokenId: number, agent: AgentIdentity | null) => Promise<Response>): Promise<Response> {
  return guarded(async () => {
    const auth = await authenticate(deps.db, req.headers.get("authorization"));
    if (!auth.ok) return authError(auth);
    if (auth.role !== "agent") return apiError(403, "forbidden", "this needs an agent token (tokenwatt token create --name NAME --role agent)");
    try {
      return await fn(auth.tokenId, await agentForToken(deps.db, auth.tokenId));
    } catch (e) {
      return mapError(e);
    }
  });
}

function mapError(e: unknown): Response {
  if (e instanceof BodyError) return apiError(400, "invalid_request", e.message, e.issues);
  if (e instanceof AgentJobError) return apiError(e.status, e.code, e.message);
  if (e instanceof HttpError) return apiError(e.status, e.code, e.message);
  // Queueing for many agents locks every agent's pg-boss partition in one transaction; with
  // PostgreSQL's default lock table that runs out near a thousand agents (docs/scale.md).
  if ((e as { code?: string }).code === "53200") {
    return apiError(503, "lock_table_full", "PostgreSQL ran out of lock slots (out of shared memory): nothing was queued. Raise max_locks_per_transaction (docs/scale.md) or queue for fewer agents at once", undefined, { "retry-after": "60" });
  }
  throw e;
}

const notRegistered = () => apiError(403, "agent_not_registered", "register this agent first (POST /api/v1/agents/register)");

export function handleRegister(req: Request, deps: AgentDeps): Promise<Response> {
  return asAgent(req, deps, async (tokenId) => {
    const b = await body(req, registerBodySchema);
    const { agent, orphanJobId } = await registerAgent(deps.queue, tokenId, b);
    if (orphanJobId) await failJob(deps.queue, agent, orphanJobId, "the agent restarted and no longer holds this job", true);
    return Response.json({ agentId: agent.id, agentTimeoutS: deps.agentTimeoutS }, { status: 200 });
  });
}

export function handleHeartbeat(req: Request, deps: AgentDeps): Promise<Response> {
  return asAgent(req, deps, async (_t, agent) => {
    if (!agent) return notRegistered();
    const b = await body(req, heartbeatBodySchema);
    const r = await recordHeartbeat(deps.queue, agent.id, b.status, b.jobId, b.progress);
    return Response.json({ ok: true, jobRunning: r.jobRunning });
  });
}

export function handleNextJob(req: Request, deps: AgentDeps): Promise<Response> {
  return asAgent(req, deps, async (_t, agent) => {
    if (!agent) return notRegistered();
    const job = await claimNextJob(deps.queue, agent);
    return job ? Response.json({ job }) : new Response(null, { status: 204 });
  });
}

export function handleComplete(req: Request, deps: AgentDeps, jobId: string): Promise<Response> {
  return asAgent(req, deps, async (_t, agent) => {
    if (!agent) return notRegistered();
    const b = await body(req, completeBodySchema);
    const r = await completeJob(deps.queue, agent, jobId, b.submissionId);
    return Response.json({ jobId, ...r });
  });
}

export function handleFail(req: Request, deps: AgentDeps, jobId: string): Promise<Response> {
  return asAgent(req, deps, async (_t, agent) => {
    if (!agent) return notRegistered();
    const b = await body(req, failBodySchema);
    const r = await failJob(deps.queue, agent, jobId, b.reason, b.abandoned);
    return Response.json({ jobId, ...r });
  });
}

async function asAdmin(req: Request, deps: AgentDeps, fn: () => Promise<Response>): Promise<Response> {
  return guarded(async () => {
    const auth = await authenticate(deps.db, req.headers.get("authorization"));
    if (!auth.ok) return authError(auth);
    if (auth.role !== "admin") return apiError(403, "forbidden", "this needs an admin token (tokenwatt token create --name NAME --role admin)");
    try {
      return await fn();
    } catch (e) {
      return mapError(e);
    }
  });
}

export function handleEnqueue(req: Request, deps: AgentDeps): Promise<Response> {
  return asAdmin(req, deps, async () => {
    const b = await body(req, enqueueBodySchema);
    const r = await enqueueJobs(deps.queue, b.target, b.request);
    return Response.json(r, { status: 201 });
  });
}

export function handleListAgents(req: Request, deps: AgentDeps): Promise<Response> {
  return asAdmin(req, deps, async () => Response.json({ agents: await listAgents(deps.db, deps.agentTimeoutS) }));
}

const JOB_PATH = /^\/api\/v1\/agents\/jobs\/([0-9a-f-]{36})\/(complete|fail)$/;

/** Dispatches an agent API request by method and path; null when the path is not part of it. */
export function routeAgentRequest(req: Request, deps: AgentDeps): Promise<Response> | null {
  const { pathname } = new URL(req.url);
  const p = pathname.replace(/\/+$/, "");
  const post = req.method === "POST";
  if (p === "/api/v1/agents") return req.method === "GET" ? handleListAgents(req, deps) : null;
  if (!p.startsWith("/api/v1/agents/")) return null;
  if (!post) return Promise.resolve(apiError(405, "method_not_allowed", `${req.method} is not allowed here; use POST`, undefined, { allow: "POST" }));
  if (p === "/api/v1/agents/register") return handleRegister(req, deps);
  if (p === "/api/v1/agents/heartbeat") return handleHeartbeat(req, deps);
  if (p === "/api/v1/agents/jobs/next") return handleNextJob(req, deps);
  if (p === "/api/v1/agents/jobs") return handleEnqueue(req, deps);
  const m = JOB_PATH.exec(p);
  if (m) return m[2] === "complete" ? handleComplete(req, deps, m[1]!) : handleFail(req, deps, m[1]!);
  return null;
}
