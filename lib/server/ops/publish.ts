/** Publish or hide runs and devices (`tokenwatt publish`, the Publish buttons, POST /api/v1/admin/publish). */
import { z } from "zod";
import { authorize } from "../access/policy";
import { BODY_LIMITS } from "../env";
import { setPublished } from "../store/publish";
import { operation } from "./operation";

export const publishInput = z
  .object({
    submissionIds: z.array(z.uuid()).max(10_000).optional(),
    deviceIds: z.array(z.int().min(1).max(2 ** 31 - 1)).max(10_000).optional(),
    allPlausible: z.boolean().optional(),
    published: z.boolean(),
  })
  .strict()
  .refine((b) => b.submissionIds?.length || b.deviceIds?.length || b.allPlausible, { message: "name submissionIds, deviceIds or allPlausible", path: ["submissionIds"] });

export const publish = operation({
  permission: "publish",
  input: publishInput,
  http: { method: "POST", path: "/api/v1/admin/publish", bodyLimit: BODY_LIMITS.publishBytes },
  async run(ctx, caller, { published, ...target }) {
    authorize(caller, "publish");
    const r = await setPublished(ctx.db, target, published);
    return { published, changedSubmissions: r.submissions };
  },
});
