/**
 * Storing a submission (issue 29 item 2): the one function behind POST /api/v1/submissions (a token,
 * the owner credential or a phone's pairing code), the owner's CLI storing its own run, and the agent.
 * It checks its caller: an agent token submits only for the device its agent registered; who vouches
 * for a model file's layout and output (the owner, an admin, a private server's own runners; never a
 * public server's contributors or a phone's code); a contributor's run waits for review unless they are
 * trusted and it has no flag. The transport (rate limits, the body budget, the pairing code's claim)
 * stays in the API handler.
 */
import type { Submission } from "../../core/contracts/submission";
import type { Caller } from "../access/caller";
import { isPublic } from "../access/mode";
import { authorize } from "../access/policy";
import { REFUSALS } from "../access/refusal-codes";
import { Refused } from "../access/refused";
import { agentForToken } from "../fleet/agents";
import { deviceFingerprint, ingestSubmission, type IngestResult } from "../store/ingest";
import { autoPublish } from "../store/review";
import { scheduleDerive } from "../store/derived";
import type { OpContext } from "./operation";

export const storeSubmission = {
  permission: "submit" as const,
  async run(ctx: OpContext, caller: Caller, s: Submission): Promise<IngestResult> {
    authorize(caller, "submit");
    if (caller.kind === "token" && caller.role === "agent") {
      const agent = await agentForToken(ctx.db, caller.tokenId);
      if (!agent) throw new Refused("agent_not_registered", "this agent token has no registered agent; start `tokenwatt agent` with it first");
      if (deviceFingerprint(s.device) !== agent.deviceFingerprint) throw new Refused("device_mismatch", REFUSALS.device_mismatch[1]);
    }
    const vouchedBy = caller.kind === "owner" ? "owner" : caller.kind === "token" && caller.role === "admin" ? "admin" : caller.kind === "token" && !isPublic() ? "trusted-run" : null;
    const tokenId = caller.kind === "token" ? caller.tokenId : null;
    const contributorId = caller.kind === "token" ? (caller.contributorId ?? null) : null;
    const result = await ingestSubmission(ctx.db, s, tokenId, { vouchedBy, contributorId });
    if (result.status === "created" && contributorId != null) await autoPublish(ctx.db, result.submissionId, contributorId);
    // The leaderboard's tables count the run shortly after (debounced: a burst of runs shares one pass).
    if (result.status === "created") scheduleDerive(ctx.db);
    return result;
  },
};
