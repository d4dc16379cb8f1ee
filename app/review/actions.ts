"use server";
/**
 * The review queue's decisions from the page (issue 30 item 2): publish, reject with a reason the
 * contributor reads, trust a contributor. Each calls its operation (lib/server/ops/review.ts) with the
 * page's caller (the owner's session, or an admin signed in on a public server); the operation
 * refuses anyone else. The answer comes back as a fixed message code in the URL, never as text.
 */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { Refused } from "../../lib/server/access/refused";
import { serverDeps } from "../../lib/server/context";
import { reviewRun, trustContributor } from "../../lib/server/ops/review";
import { actionCaller } from "../components/action-caller";

const back = (q: Record<string, string>): never => redirect(`/review?${new URLSearchParams(q)}`);

export async function decideAction(f: FormData): Promise<void> {
  const { db } = await serverDeps();
  const parsed = reviewRun.input.safeParse({
    submissionId: f.get("submissionId"),
    decision: f.get("decision"),
    reason: typeof f.get("reason") === "string" && String(f.get("reason")).trim() ? String(f.get("reason")).trim() : null,
  });
  if (!parsed.success) back({ error: "reason" });
  const input = parsed.data!;
  try {
    await reviewRun.run({ db }, await actionCaller(db), input);
  } catch (e) {
    if (e instanceof Refused) back({ error: e.code });
    throw e;
  }
  revalidatePath("/review");
  back({ [input.decision === "publish" ? "published" : "rejected"]: input.submissionId });
}

export async function trustAction(f: FormData): Promise<void> {
  const { db } = await serverDeps();
  const parsed = trustContributor.input.safeParse({ name: f.get("name"), trusted: f.get("trusted") === "1" });
  if (!parsed.success) back({ error: "contributor" });
  try {
    await trustContributor.run({ db }, await actionCaller(db), parsed.data!);
  } catch (e) {
    if (e instanceof Refused) back({ error: e.code });
    throw e;
  }
  back({ trusted: parsed.data!.name, on: parsed.data!.trusted ? "1" : "0" });
}
