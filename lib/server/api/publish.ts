/**
 * POST /api/v1/admin/publish (admin token or the owner credential): { submissionIds?, deviceIds?,
 * allPlausible?, published } publishes or hides runs (and devices) and refreshes the public leaderboard.
 */
import { z } from "zod";
import { BODY_LIMITS } from "../env";
import { withToken } from "../http/auth";
import { readBody } from "../http/body";
import type { Handler } from "../http/deps";
import { setPublished } from "../read/leaderboard";

export const publishBodySchema = z
  .object({
    submissionIds: z.array(z.uuid()).max(10_000).optional(),
    deviceIds: z.array(z.int().min(1).max(2 ** 31 - 1)).max(10_000).optional(),
    allPlausible: z.boolean().optional(),
    published: z.boolean(),
  })
  .strict()
  .refine((b) => b.submissionIds?.length || b.deviceIds?.length || b.allPlausible, { message: "name submissionIds, deviceIds or allPlausible", path: ["submissionIds"] });

export const postPublish: Handler = (req, deps) =>
  withToken(req, deps.db, ["admin"], async () => {
    const { published, ...target } = await readBody(req, publishBodySchema, BODY_LIMITS.publishBytes);
    const r = await setPublished(deps.db, target, published);
    return Response.json({ published, changedSubmissions: r.submissions });
  });
