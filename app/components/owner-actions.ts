"use server";
/**
 * The owner's actions on run and device pages: publish or hide a run, or every run of a device, and
 * rename a device. Each calls its operation (lib/server/ops) with the action's caller: the owner's
 * session on the owner's dashboard, the admin token typed in the form on a public server.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { serverDeps } from "../../lib/server/context";
import { publish } from "../../lib/server/ops/publish";
import { renameDevice } from "../../lib/server/ops/devices";
import { actionCaller, refusalMessage } from "./action-caller";

export interface PublishFormState {
  ok: boolean;
  message: string | null;
}

const formSchema = z.discriminatedUnion("target", [
  z.object({ target: z.literal("run"), id: z.uuid(), publish: z.enum(["1", "0"]) }),
  z.object({ target: z.literal("device"), id: z.coerce.number().int().min(1).max(2 ** 31 - 1), publish: z.enum(["1", "0"]) }),
]);

export async function renameDeviceAction(_prev: PublishFormState, f: FormData): Promise<PublishFormState> {
  const { db } = await serverDeps();
  try {
    const caller = await actionCaller(db, f);
    const parsed = renameDevice.input.safeParse({ id: f.get("id"), name: f.get("name") ?? "" });
    if (!parsed.success) return { ok: false, message: `name: ${parsed.error.issues[0]?.message ?? "not valid"} (at most 100 characters, one line)` };
    const r = await renameDevice.run({ db }, caller, parsed.data);
    revalidatePath(`/devices/${r.id}`);
    return { ok: true, message: r.name ? `Renamed to "${r.name}".` : "The name is back to vendor and model." };
  } catch (e) {
    return { ok: false, message: refusalMessage(e) };
  }
}

export async function publishAction(_prev: PublishFormState, f: FormData): Promise<PublishFormState> {
  const { db } = await serverDeps();
  try {
    const caller = await actionCaller(db, f);
    const parsed = formSchema.safeParse({ target: f.get("target"), id: f.get("id"), publish: f.get("publish") });
    if (!parsed.success) return { ok: false, message: "Nothing to publish: the form names no run or device." };
    const p = parsed.data;
    const published = p.publish === "1";
    const r = await publish.run({ db }, caller, { ...(p.target === "run" ? { submissionIds: [p.id] } : { deviceIds: [p.id] }), published });
    revalidatePath(p.target === "run" ? `/runs/${p.id}` : `/devices/${p.id}`);
    const what = p.target === "run" ? "this run" : `${r.changedSubmissions} run(s) of this device`;
    return { ok: true, message: `${published ? "Published" : "Hidden"}: ${what}${r.changedSubmissions === 0 && p.target === "run" ? " (it already was)" : ""}. The leaderboard is refreshed.` };
  } catch (e) {
    return { ok: false, message: refusalMessage(e) };
  }
}
