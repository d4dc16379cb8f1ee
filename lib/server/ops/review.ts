/**
 * The review queue's operations (issue 30 item 2): the queue and a decision (an admin or the owner),
 * a contributor's own runs (their token), whether a contributor is trusted (their plausible runs
 * publish themselves).
 */
import { z } from "zod";
import { safeString } from "../../core/contracts/text";
import { describeCaller } from "../access/caller";
import { authorize, authorizeOwn } from "../access/policy";
import { Refused } from "../access/refused";
import { contributorRuns, decide, ReviewError, reviewQueue as queue, setTrusted } from "../store/review";
import { operation } from "./operation";

export const reviewQueue = operation({
  permission: "review",
  input: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
  http: { method: "GET", path: "/api/v1/admin/review" },
  async run(ctx, caller, { limit }) {
    authorize(caller, "review");
    return { pending: await queue(ctx.db, limit) };
  },
});

export const reviewRun = operation({
  permission: "review",
  input: z
    .object({
      submissionId: z.uuid(),
      decision: z.enum(["publish", "reject"]),
      // What the contributor reads on a rejected run.
      reason: safeString(500, { min: 10 }).nullable().default(null),
    })
    .strict()
    .refine((b) => b.decision === "publish" || b.reason != null, { message: "a rejection says why, in 10 to 500 characters", path: ["reason"] }),
  http: { method: "POST", path: "/api/v1/admin/review/:submissionId", bodyLimit: 4096 },
  async run(ctx, caller, { submissionId, decision, reason }) {
    authorize(caller, "review");
    try {
      return { submissionId, ...(await decide(ctx.db, submissionId, decision, reason, describeCaller(caller))) };
    } catch (e) {
      if (e instanceof ReviewError) throw new Refused(e.code, e.message);
      throw e;
    }
  },
});

export const myRuns = operation({
  permission: "see-own-runs",
  input: z.object({}).strict(),
  http: { method: "GET", path: "/api/v1/contributor/runs" },
  async run(ctx, caller) {
    const mine = caller.kind === "token" ? (caller.contributorId ?? null) : null;
    authorizeOwn(caller, "see-own-runs", [mine]);
    return { runs: await contributorRuns(ctx.db, mine!) };
  },
});

export const trustContributor = operation({
  permission: "review",
  input: z.object({ name: safeString(64), trusted: z.boolean() }).strict(),
  http: { method: "POST", path: "/api/v1/admin/contributors/:name/trust", bodyLimit: 1024 },
  async run(ctx, caller, { name, trusted }) {
    authorize(caller, "review");
    if (!(await setTrusted(ctx.db, name, trusted))) throw new Refused("not_found", `no contributor "${name}"`);
    return { name, trusted };
  },
});
