"use server";
/**
 * The owner's actions on run and device pages: publish or hide a run, or every run of a device, with
 * the CLI's rules (`tokenwatt publish`), and rename a device. The owner's dashboard acts directly; a
 * public server (TOKENWATT_PUBLIC=1) needs an admin token in the form, as the admin API does.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { serverDeps } from "../../lib/server/context";
import { isPublic } from "../../lib/server/env";
import { identifyHeader, isAdmin } from "../../lib/server/http/auth";
import { setPublished } from "../../lib/server/read/leaderboard";
import { eq } from "drizzle-orm";
import { safeString } from "../../lib/core/contracts/text";
import type { Db } from "../../lib/server/db/client";
import { devices } from "../../lib/server/db/schema";

export interface PublishFormState {
  ok: boolean;
  message: string | null;
}

const formSchema = z.discriminatedUnion("target", [
  z.object({ target: z.literal("run"), id: z.uuid(), publish: z.enum(["1", "0"]) }),
  z.object({ target: z.literal("device"), id: z.coerce.number().int().min(1).max(2 ** 31 - 1), publish: z.enum(["1", "0"]) }),
]);

/** Null when the form may act; else why not (a public server needs an admin token). */
async function refusal(db: Db, f: FormData, what: string): Promise<string | null> {
  if (!isPublic()) return null;
  const token = f.get("adminToken");
  const who = await identifyHeader(`Bearer ${typeof token === "string" ? token.trim() : ""}`, db);
  return who.ok && isAdmin(who.principal) ? null : `This server is public: ${what} needs an admin token.`;
}

const renameSchema = z.object({
  id: z.coerce.number().int().min(1).max(2 ** 31 - 1),
  // Empty: back to vendor and model.
  name: safeString(100).transform((v) => v || null),
});

export async function renameDeviceAction(_prev: PublishFormState, f: FormData): Promise<PublishFormState> {
  const { db } = await serverDeps();
  const refused = await refusal(db, f, "renaming");
  if (refused) return { ok: false, message: refused };
  const parsed = renameSchema.safeParse({ id: f.get("id"), name: f.get("name") ?? "" });
  if (!parsed.success) return { ok: false, message: `name: ${parsed.error.issues[0]?.message ?? "not valid"} (at most 100 characters, one line)` };
  const r = await db.update(devices).set({ displayName: parsed.data.name }).where(eq(devices.id, parsed.data.id)).returning({ id: devices.id });
  if (!r.length) return { ok: false, message: "No such device." };
  revalidatePath(`/devices/${parsed.data.id}`);
  return { ok: true, message: parsed.data.name ? `Renamed to "${parsed.data.name}".` : "The name is back to vendor and model." };
}

export async function publishAction(_prev: PublishFormState, f: FormData): Promise<PublishFormState> {
  const { db } = await serverDeps();
  const refused = await refusal(db, f, "publishing");
  if (refused) return { ok: false, message: refused };
  const parsed = formSchema.safeParse({ target: f.get("target"), id: f.get("id"), publish: f.get("publish") });
  if (!parsed.success) return { ok: false, message: "Nothing to publish: the form names no run or device." };
  const p = parsed.data;
  const publish = p.publish === "1";
  const r = await setPublished(db, p.target === "run" ? { submissionIds: [p.id] } : { deviceIds: [p.id] }, publish);
  revalidatePath(p.target === "run" ? `/runs/${p.id}` : `/devices/${p.id}`);
  const what = p.target === "run" ? "this run" : `${r.submissions} run(s) of this device`;
  return { ok: true, message: `${publish ? "Published" : "Hidden"}: ${what}${r.submissions === 0 && p.target === "run" ? " (it already was)" : ""}. The leaderboard is refreshed.` };
}
