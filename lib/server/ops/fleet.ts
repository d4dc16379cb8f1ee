/** Queue a suite for the fleet's agents (the Agents page's form, POST /api/v1/agents/jobs). */
import { enqueueBodySchema, registerBodySchema } from "../../core/contracts/agents";
import { registerAgent as register } from "../fleet/agents";
import { authorize } from "../access/policy";
import { BODY_LIMITS } from "../env";
import { enqueueJobs, failJob } from "../fleet/jobs";
import { operation } from "./operation";

export const enqueue = operation({
  permission: "manage-fleet",
  input: enqueueBodySchema,
  http: { method: "POST", path: "/api/v1/agents/jobs", status: 201, bodyLimit: BODY_LIMITS.agentBytes },
  async run(ctx, caller, input) {
    authorize(caller, "manage-fleet");
    if (!ctx.queue) throw new Error("enqueue needs the fleet's job connection");
    return enqueueJobs(await ctx.queue(), input.target, input.request);
  },
});

/** An agent registers its device (`tokenwatt agent`, POST /api/v1/agents/register): an agent token, bound to one agent. */
export const registerAgent = operation({
  permission: "register-agent",
  input: registerBodySchema,
  http: { method: "POST", path: "/api/v1/agents/register", bodyLimit: BODY_LIMITS.agentBytes },
  async run(ctx, caller, input) {
    authorize(caller, "register-agent");
    if (!ctx.queue || caller.kind !== "token") throw new Error("registering an agent needs the fleet's job connection and an agent token");
    const queue = await ctx.queue();
    const { agent, orphanJobId } = await register(queue, caller.tokenId, input);
    // The job it held before a restart is gone with the process that ran it.
    if (orphanJobId) await failJob(queue, agent, orphanJobId, "the agent restarted and no longer holds this job", true);
    return { agentId: agent.id, agentTimeoutS: ctx.agentTimeoutS ?? 60 };
  },
});
