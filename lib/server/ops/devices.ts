/**
 * Rename a device: its display name on every page (the device page's form, POST
 * /api/v1/admin/devices/:id/name): the owner, an admin, or the contributor the device belongs to.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { safeString } from "../../core/contracts/text";
import { authorizeOwn } from "../access/policy";
import { Refused } from "../access/refused";
import { devices } from "../db/schema";
import type { Db } from "../db/client";
import { bumpPublicVersion } from "../store/publish";
import { operation } from "./operation";

export const renameDevice = operation({
  permission: "rename-device",
  input: z
    .object({
      id: z.coerce.number().int().min(1).max(2 ** 31 - 1),
      // Empty or null: back to vendor and model.
      name: safeString(100)
        .nullable()
        .transform((v) => v || null),
    })
    .strict(),
  http: { method: "POST", path: "/api/v1/admin/devices/:id/name", bodyLimit: 4096 },
  async run(ctx, caller, { id, name }) {
    const [d] = await ctx.db.select({ contributorId: devices.contributorId }).from(devices).where(eq(devices.id, id));
    authorizeOwn(caller, "rename-device", [d ? d.contributorId : null]);
    if (!d) throw new Refused("not_found", `no device ${id}`);
    // Public pages name devices: the public page cache renders anew, bumped in the rename's own
    // transaction (the name is read live, no view refresh needed).
    await ctx.db.transaction(async (tx) => {
      await tx.update(devices).set({ displayName: name }).where(eq(devices.id, id));
      await bumpPublicVersion(tx as unknown as Db);
    });
    return { id, name };
  },
});
