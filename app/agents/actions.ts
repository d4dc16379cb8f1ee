"use server";
/**
 * Queue a suite from the dashboard: the enqueue operation (lib/server/ops/fleet.ts) with the
 * action's caller (the owner's session, or on a public server the admin token in the form).
 */
import { revalidatePath } from "next/cache";
import { enqueueBodySchema } from "../../lib/core/contracts/agents";
import { toFieldIssues } from "../../lib/core/contracts/submission";
import { AgentJobError } from "../../lib/server/fleet/jobs";
import { Refused } from "../../lib/server/access/refused";
import { enqueue } from "../../lib/server/ops/fleet";
import { actionCaller, refusalMessage } from "../components/action-caller";
import { serverDeps } from "../../lib/server/context";

export interface EnqueueFormState {
  message: string | null;
  ok: boolean;
  errors: Record<string, string>;
  /** What was submitted: React resets the form after an action, to these values (never the token). */
  values: Record<string, string>;
}

const text = (f: FormData, k: string) => {
  const v = f.get(k);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
};
const num = (f: FormData, k: string) => (text(f, k) === undefined ? undefined : Number(text(f, k)));

export async function enqueueAction(_prev: EnqueueFormState, f: FormData): Promise<EnqueueFormState> {
  const { db, queue } = await serverDeps();
  const values = Object.fromEntries(
    ["targetKind", "agentId", "deviceClass", "model", "suite", "workloads", "repetitions", "threads", "timeoutS"].map((k) => [k, text(f, k) ?? ""]),
  );
  const kind = text(f, "targetKind");
  const target = kind === "agent" ? { kind, agentId: num(f, "agentId") } : kind === "class" ? { kind, deviceClass: text(f, "deviceClass") } : { kind };
  const workloads = text(f, "workloads")?.split(",").map((w) => w.trim()).filter(Boolean);
  const parsed = enqueueBodySchema.safeParse({
    target,
    request: { model: text(f, "model"), suite: text(f, "suite"), workloads: workloads?.length ? workloads : null, repetitions: num(f, "repetitions"), threads: num(f, "threads") ?? null, timeoutS: num(f, "timeoutS") },
  });
  if (!parsed.success) {
    // "request.workloads.1" -> the form's "workloads" field
    const errors = Object.fromEntries(toFieldIssues(parsed.error.issues).map((i) => [i.path.split(".")[1] || i.path || "form", i.message]));
    return { ok: false, message: "Some fields are not valid.", errors, values };
  }
  try {
    const r = await enqueue.run({ db, queue }, await actionCaller(db, f), parsed.data);
    revalidatePath("/agents");
    return { ok: true, message: `Queued ${r.jobs.length} job(s), batch ${r.batchId.slice(0, 8)}.`, errors: {}, values };
  } catch (e) {
    if (e instanceof AgentJobError) return { ok: false, message: e.message, errors: {}, values };
    const message = refusalMessage(e);
    return { ok: false, message, errors: e instanceof Refused && e.code === "missing_token" ? { adminToken: "an admin token is required" } : {}, values };
  }
}
