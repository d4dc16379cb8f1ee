/** Queue a suite for the fleet's agents (the Agents page's form, POST /api/v1/agents/jobs). */
import { enqueueBodySchema } from "../../core/contracts/agents";
import { authorize } from "../access/policy";
import { BODY_LIMITS } from "../env";
import { enqueueJobs } from "../fleet/jobs";
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
