"use server";
/**
 * Queue a suite from the dashboard. The owner's dashboard acts directly; a public server
 * (TOKENWATT_PUBLIC=1) needs an admin token in the form, as the API does.
 */
import { revalidatePath } from "next/cache";
import { enqueueBodySchema } from "../../lib/core/contracts/agents";
import { toFieldIssues } from "../../lib/core/contracts/submission";
import { AgentJobError, enqueueJobs } from "../../lib/server/fleet/jobs";
import { serverDeps } from "../../lib/server/context";
import { identifyHeader, isAdmin } from "../../lib/server/http/auth";
import { isPublic } from "../../lib/server/env";

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
  if (isPublic()) {
    const who = await identifyHeader(`Bearer ${text(f, "adminToken") ?? ""}`, db);
    if (!who.ok || !isAdmin(who.principal)) return { ok: false, message: "This server is public: queueing needs an admin token.", errors: { adminToken: "an admin token is required" }, values };
  }
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
    const r = await enqueueJobs(await queue(), parsed.data.target, parsed.data.request);
    revalidatePath("/agents");
    return { ok: true, message: `Queued ${r.jobs.length} job(s), batch ${r.batchId.slice(0, 8)}.`, errors: {}, values };
  } catch (e) {
    if (e instanceof AgentJobError) return { ok: false, message: e.message, errors: {}, values };
    throw e;
  }
}
