/**
 * POST /api/v1/admin/explain-output (admin token or the owner credential): { submissionId, reason }
 * lets a run flagged "output differs" back onto the ranking, with the reason shown on its page.
 */
import { z } from "zod";
import { safeString } from "../../core/contracts/text";
import { withToken } from "../http/auth";
import { readBody } from "../http/body";
import type { Handler } from "../http/deps";
import { apiError } from "../http/http";
import { ExplainError, explainOutput } from "../store/output-explanation";

export const explainBodySchema = z.object({ submissionId: z.uuid(), reason: safeString(500, { min: 10 }) }).strict();

export const postExplainOutput: Handler = (req, deps) =>
  withToken(req, deps.db, ["admin"], async () => {
    const { submissionId, reason } = await readBody(req, explainBodySchema, 4096);
    try {
      const r = await explainOutput(deps.db, submissionId, reason);
      return Response.json({ submissionId, outputStatus: "explained", plausible: r.plausible });
    } catch (e) {
      if (e instanceof ExplainError) return apiError(e.code === "not_found" ? 404 : 409, e.code, e.message);
      throw e;
    }
  });
