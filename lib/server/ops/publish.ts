/**
 * Publish or hide runs and devices (`tokenwatt publish`, the Publish buttons, POST
 * /api/v1/admin/publish). Publishing is the owner's or an admin's; hiding also the contributor the
 * devices belong to (their own runs and devices only).
 */
import { inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { authorize, authorizeOwn, may, mayAtAll } from "../access/policy";
import { rowsOf, type Db } from "../db/client";
import { devices } from "../db/schema";
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
  orPermission: "hide",
  input: publishInput,
  http: { method: "POST", path: "/api/v1/admin/publish", bodyLimit: BODY_LIMITS.publishBytes },
  async run(ctx, caller, { published, ...target }) {
    // Publishing, or a caller no hide could admit: the publish refusal (the one the route gives before the body).
    if (published || !mayAtAll(caller, "hide")) authorize(caller, "publish");
    // Everything named must be the contributor's: every listed device, every listed run's device.
    else if (!may(caller, "hide")) authorizeOwn(caller, "hide", target.allPlausible ? [] : await ownersOf(ctx.db, target.submissionIds ?? [], target.deviceIds ?? []));
    const r = await setPublished(ctx.db, target, published);
    return { published, changedSubmissions: r.submissions };
  },
});

/** The contributor of each named device and of each named run's device (null: none, or no such id). */
async function ownersOf(db: Db, submissionIds: string[], deviceIds: number[]): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  if (deviceIds.length) {
    const rows = await db.select({ id: devices.id, c: devices.contributorId }).from(devices).where(inArray(devices.id, deviceIds));
    const by = new Map(rows.map((r) => [r.id, r.c]));
    for (const id of deviceIds) out.push(by.get(id) ?? null);
  }
  if (submissionIds.length) {
    const rows = rowsOf<{ id: string; c: number | null }>(
      await db.execute(sql`select s.id::text as id, d.contributor_id as c from submissions s join devices d on d.id = s.device_id where s.id in (${sql.join(submissionIds.map((x) => sql`${x}::uuid`), sql`, `)})`),
    );
    const by = new Map(rows.map((r) => [r.id, r.c]));
    for (const id of submissionIds) out.push(by.get(id) ?? null);
  }
  return out;
}
