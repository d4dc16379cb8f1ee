import Link from "next/link";
import { describeCaller } from "../../lib/server/access/caller";
import { isPublic } from "../../lib/server/access/mode";
import { serverDeps } from "../../lib/server/context";
import { flagLabel, formatNumber } from "../../lib/core/present/format";
import { reviewQueue } from "../../lib/server/ops/review";
import type { QueueEntry } from "../../lib/server/store/review";
import { DataTable, type Column } from "../components/data-table";
import { pageCaller } from "../components/action-caller";
import { signOutAction } from "../signin/actions";
import { decideAction, trustAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Review queue · Tokenwatt" };

type Workload = QueueEntry["workloads"][number];

const WORKLOAD_COLUMNS: Column<Workload>[] = [
  { header: "Workload", rowHeader: true, cell: (w) => w.workloadId },
  { header: "Median", numeric: true, cell: (w) => (w.medianMs != null ? `${formatNumber(w.medianMs)} ms` : w.medianTs != null ? `${formatNumber(w.medianTs)} t/s` : "-") },
  { header: "Other devices' median", numeric: true, cell: (w) => (w.peersMedianTs != null && w.medianMs == null ? `${formatNumber(w.peersMedianTs)} t/s` : "-") },
  {
    header: "Ratio",
    numeric: true,
    cell: (w) => (w.peersMedianTs && w.medianTs != null && w.medianMs == null ? `${formatNumber(w.medianTs / w.peersMedianTs, 2)}×` : "-"),
  },
  { header: "Devices", numeric: true, cell: (w) => w.peerDevices },
  { header: "Verdict", cell: (w) => (w.plausible ? "plausible" : <span className="badge flagged">implausible</span>) },
];

const MESSAGES: Record<string, string> = {
  reason: "A rejection says why, in 10 to 500 characters (the contributor reads it).",
  contributor: "That contributor name is not valid.",
  not_found: "That run is not on this server any more.",
  not_reviewable: "That run is not a contributor's: publish it from its page.",
  missing_token: "Sign in with an admin token first.",
  forbidden: "Only an admin or the owner reviews runs.",
};

export default async function ReviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { db } = await serverDeps();
  const { caller, may } = await pageCaller(db);
  if (!may("review")) {
    return (
      <>
        <h1>Review queue</h1>
        <p>
          Contributors&apos; runs wait here until a reviewer publishes or rejects them.{" "}
          {isPublic() ? (
            <>
              <Link href="/signin">Sign in</Link> with an admin token to review them.
            </>
          ) : (
            "Only the owner reviews them."
          )}
        </p>
      </>
    );
  }
  const q = await searchParams;
  const one = (k: string) => (typeof q[k] === "string" ? (q[k] as string) : null);
  const done = one("published") ? `Published run ${one("published")!.slice(0, 8)}: it ranks now.` : one("rejected") ? `Rejected run ${one("rejected")!.slice(0, 8)}; its contributor sees why.` : one("trusted") ? `Contributor ${one("trusted")} is ${one("on") === "1" ? "trusted: their flag-free runs publish themselves" : "no longer trusted"}.` : null;
  const error = one("error") ? (MESSAGES[one("error")!] ?? "That did not work.") : null;
  const { pending } = await reviewQueue.run({ db }, caller, { limit: 100 });
  return (
    <>
      <h1>Review queue</h1>
      <p className="hint">
        {pending.length} run{pending.length === 1 ? "" : "s"} waiting, oldest first. Signed in as {describeCaller(caller)}. Each run shows its plausibility flags, output check
        and every workload beside the median of other devices&apos; published cells (same model, workload and backend): <Link href="/docs/plausibility">how runs are judged</Link>.
      </p>
      {caller.kind === "token" && (
        <form action={signOutAction}>
          <button type="submit">Sign out</button>
        </form>
      )}
      {done && (
        <p role="status" className="hint" data-testid="review-message">
          {done}
        </p>
      )}
      {error && (
        <p role="alert" className="field-error" data-testid="review-error">
          {error}
        </p>
      )}
      {pending.length === 0 && <p data-testid="review-empty">Nothing waits for review.</p>}
      {pending.map((e) => (
        <section key={e.submissionId} className="review-entry" aria-labelledby={`r-${e.submissionId}`} data-testid="review-entry">
          <h2 id={`r-${e.submissionId}`}>
            {e.device} · {e.model} {e.quantization} · {e.backend}
          </h2>
          <p>
            From <strong>{e.contributor ?? "no contributor"}</strong>
            {e.contributorTrusted && <span className="badge reported">trusted</span>}, received {e.receivedAt.slice(0, 16).replace("T", " ")} UTC, {e.engine}.{" "}
            {e.plausible ? "Plausible" : <span className="badge flagged">implausible</span>}; output check: {e.outputStatus ?? "not judged"}.
          </p>
          {e.flags.length > 0 && (
            <ul>
              {e.flags.map((f, i) => (
                <li key={i}>
                  {f.workloadId ?? "run"}: <strong>{flagLabel(f.code)}</strong>: {f.message}
                </li>
              ))}
            </ul>
          )}
          <DataTable caption={`Workloads of run ${e.submissionId.slice(0, 8)}`} columns={WORKLOAD_COLUMNS} rows={e.workloads} rowKey={(w) => w.workloadId} />
          <div className="review-actions">
            <form action={decideAction}>
              <input type="hidden" name="submissionId" value={e.submissionId} />
              <button type="submit" name="decision" value="publish">
                Publish
              </button>
            </form>
            <form action={decideAction} className="review-reject">
              <input type="hidden" name="submissionId" value={e.submissionId} />
              <label>
                Reason (the contributor reads it) <textarea name="reason" required minLength={10} maxLength={500} rows={2} cols={40} />
              </label>
              <button type="submit" name="decision" value="reject">
                Reject
              </button>
            </form>
            {e.contributor && (
              <form action={trustAction}>
                <input type="hidden" name="name" value={e.contributor} />
                <button type="submit" name="trusted" value={e.contributorTrusted ? "0" : "1"}>
                  {e.contributorTrusted ? `Stop trusting ${e.contributor}` : `Trust ${e.contributor}`}
                </button>
              </form>
            )}
          </div>
        </section>
      ))}
    </>
  );
}
