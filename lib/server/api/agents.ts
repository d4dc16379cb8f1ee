/**
 * The agent API (routes in lib/server/http/routes.ts):
 *
 * - POST /api/v1/agents/register               agent token: register this device's agent (the registerAgent operation, lib/server/ops/fleet.ts)
 * - POST /api/v1/agents/heartbeat              agent token: last seen, status, job progress
 * - POST /api/v1/agents/jobs/next              agent token: the next job (200) or none (204)
 * - POST /api/v1/agents/jobs/{id}/complete     agent token: { submissionId } uploaded for it
 * - POST /api/v1/agents/jobs/{id}/fail         agent token: { reason, abandoned }
 * - POST /api/v1/agents/jobs                   admin token: { target, request } queue a suite (the enqueue operation, lib/server/ops/fleet.ts)
 * - GET  /api/v1/agents                        admin token: agents and their state
 *
 * Refusals (lib/server/http/refusals.ts): 401/403 from the auth gate, 400 with field issues for
 * bad bodies, 404 unknown job, 403 another agent's job, 409 a job not in a state for the call.
 */
import { completeBodySchema, failBodySchema, heartbeatBodySchema } from "../../core/contracts/agents";
import { BODY_LIMITS } from "../env";
import { agentForToken, listAgents, recordHeartbeat, type AgentIdentity } from "../fleet/agents";
import { claimNextJob, completeJob, failJob } from "../fleet/jobs";
import { withToken } from "../http/auth";
import { readBody } from "../http/body";
import type { Handler, ServerDeps } from "../http/deps";
import { refuse } from "../http/refusals";

/** Runs `fn` with the registered agent of the request's agent token. */
function asAgent(req: Request, deps: ServerDeps, fn: (agent: AgentIdentity) => Promise<Response>): Promise<Response> {
  return withToken(req, deps.db, ["agent"], async (p) => {
    const agent = await agentForToken(deps.db, p.tokenId!);
    return agent ? fn(agent) : refuse("agent_not_registered");
  });
}

export const heartbeat: Handler = (req, deps) =>
  asAgent(req, deps, async (agent) => {
    const b = await readBody(req, heartbeatBodySchema, BODY_LIMITS.agentBytes);
    const r = await recordHeartbeat(await deps.queue(), agent.id, b.status, b.jobId, b.progress);
    return Response.json({ ok: true, jobRunning: r.jobRunning });
  });

export const nextJob: Handler = (req, deps) =>
  asAgent(req, deps, async (agent) => {
    const job = await claimNextJob(await deps.queue(), agent);
    return job ? Response.json({ job }) : new Response(null, { status: 204 });
  });

export const completeJobHandler: Handler = (req, deps, { id }) =>
  asAgent(req, deps, async (agent) => {
    const b = await readBody(req, completeBodySchema, BODY_LIMITS.agentBytes);
    return Response.json({ jobId: id, ...(await completeJob(await deps.queue(), agent, id!, b.submissionId)) });
  });

export const failJobHandler: Handler = (req, deps, { id }) =>
  asAgent(req, deps, async (agent) => {
    const b = await readBody(req, failBodySchema, BODY_LIMITS.agentBytes);
    return Response.json({ jobId: id, ...(await failJob(await deps.queue(), agent, id!, b.reason, b.abandoned)) });
  });

export const listAgentsHandler: Handler = (req, deps) =>
  withToken(req, deps.db, ["admin"], async () => Response.json({ agents: await listAgents(deps.db, deps.agentTimeoutS) }));
