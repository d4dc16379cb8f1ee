"use server";
/**
 * Publishing from the browser: publish or hide a run, or every run of a device, from its page, with
 * the CLI's rules (`tokenwatt publish`): the owner's dashboard acts directly; a public server
 * (TOKENWATT_PUBLIC=1) needs an admin token in the form, as POST /api/v1/admin/publish does.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { serverDeps } from "../../lib/server/context";
import { isPublic } from "../../lib/server/env";
import { identifyHeader, isAdmin } from "../../lib/server/http/auth";
import { setPublished } from "../../lib/server/read/leaderboard";

export interface PublishFormState {
  ok: boolean;
  message: string | null;
}

const formSchema = z.discriminatedUnion("target", [
  z.object({ target: z.literal("run"), id: z.uuid(), publish: z.enum(["1", "0"]) }),
  z.object({ target: z.literal("device"), id: z.coerce.number().int().min(1).max(2 ** 31 - 1), publish: z.enum(["1", "0"]) }),
]);

export async function publishAction(_prev: PublishFormState, f: FormData): Promise<PublishFormState> {
  const { db } = await serverDeps();
  if (isPublic()) {
    const token = f.get("adminToken");
    const who = await identifyHeader(`Bearer ${typeof token === "string" ? token.trim() : ""}`, db);
    if (!who.ok || !isAdmin(who.principal)) return { ok: false, message: "This server is public: publishing needs an admin token." };
  }
  const parsed = formSchema.safeParse({ target: f.get("target"), id: f.get("id"), publish: f.get("publish") });
  if (!parsed.success) return { ok: false, message: "Nothing to publish: the form names no run or device." };
  const p = parsed.data;
  const publish = p.publish === "1";
  const r = await setPublished(db, p.target === "run" ? { submissionIds: [p.id] } : { deviceIds: [p.id] }, publish);
  revalidatePath(p.target === "run" ? `/runs/${p.id}` : `/devices/${p.id}`);
  const what = p.target === "run" ? "this run" : `${r.submissions} run(s) of this device`;
  return { ok: true, message: `${publish ? "Published" : "Hidden"}: ${what}${r.submissions === 0 && p.target === "run" ? " (it already was)" : ""}. The leaderboard is refreshed.` };
}
