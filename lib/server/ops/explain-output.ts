/** Let a run flagged "output differs" back onto the ranking, with the reason (`tokenwatt explain-output`, POST /api/v1/admin/explain-output). */
import { z } from "zod";
import { safeString } from "../../core/contracts/text";
import { authorize } from "../access/policy";
import { Refused } from "../access/refused";
import { ExplainError, explainOutput as explain } from "../store/output-explanation";
import { operation } from "./operation";

export const explainOutput = operation({
  permission: "explain-output",
  input: z.object({ submissionId: z.uuid(), reason: safeString(500, { min: 10 }) }).strict(),
  http: { method: "POST", path: "/api/v1/admin/explain-output", bodyLimit: 4096 },
  async run(ctx, caller, { submissionId, reason }) {
    authorize(caller, "explain-output");
    try {
      const r = await explain(ctx.db, submissionId, reason);
      return { submissionId, outputStatus: "explained" as const, plausible: r.plausible };
    } catch (e) {
      if (e instanceof ExplainError) throw new Refused(e.code, e.message);
      throw e;
    }
  },
});
