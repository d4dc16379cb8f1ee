/**
 * POST /api/v1/admin/publish with an admin token: { submissionIds?, deviceIds?, allPlausible?,
 * published } publishes or hides runs (and devices) and refreshes the public leaderboard.
 */
import { z } from "zod";
import type { Db } from "../db/client";
import { setPublished } from "../read/leaderboard";
import { authenticate } from "../store/tokens";
import { toFieldIssues } from "../../core/contracts/submission";
import { apiError, guarded, readJson } from "../http/http";

const bodySchema = z
  .object({
    submissionIds: z.array(z.uuid()).max(10_000).optional(),
    deviceIds: z.array(z.int().min(1)).max(10_000).optional(),
    allPlausible: z.boolean().optional(),
    published: z.boolean(),
  })
  .strict()
  .refine((b) => b.submissionIds?.length || b.deviceIds?.length || b.allPlausible, { message: "name submissionIds, deviceIds or allPlausible", path: ["submissionIds"] });

export function handlePublishPost(req: Request, db: Db): Promise<Response> {
  return guarded(async () => {
    const auth = await authenticate(db, req.headers.get("authorization"));
    if (!auth.ok) return apiError(auth.reason === "revoked" ? 403 : 401, auth.reason === "revoked" ? "token_revoked" : "unauthorized", "an admin token is required");
    if (auth.role !== "admin") return apiError(403, "forbidden", "publishing needs an admin token (token create --role admin)");
    const body = bodySchema.safeParse(await readJson(req, 1_000_000));
    if (!body.success) return apiError(400, "invalid_request", "invalid publish request", toFieldIssues(body.error.issues));
    const { published, ...target } = body.data;
    const r = await setPublished(db, target, published);
    return Response.json({ published, changedSubmissions: r.submissions });
  });
}
