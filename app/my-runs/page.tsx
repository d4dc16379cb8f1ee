import Link from "next/link";
import { describeCaller } from "../../lib/server/access/caller";
import { isPublic } from "../../lib/server/access/mode";
import { serverDeps } from "../../lib/server/context";
import { myRuns } from "../../lib/server/ops/review";
import type { ContributorRun } from "../../lib/server/store/review";
import { DataTable, type Column } from "../components/data-table";
import { pageCaller } from "../components/action-caller";
import { signOutAction } from "../signin/actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Your runs · Tokenwatt" };

const STATUS: Record<string, string> = { pending: "waiting for review", published: "published", rejected: "rejected" };

const COLUMNS: Column<ContributorRun>[] = [
  { header: "Received (UTC)", cell: (r) => r.receivedAt.slice(0, 16).replace("T", " ") },
  { header: "Device", rowHeader: true, cell: (r) => r.device },
  { header: "Model", cell: (r) => r.model },
  { header: "Plausible", cell: (r) => (r.plausible ? "yes" : <span className="badge flagged">no</span>) },
  {
    header: "Review",
    cell: (r) =>
      r.published ? (
        <Link href={`/runs/${r.submissionId}`}>published</Link>
      ) : (
        <span className={r.reviewStatus === "rejected" ? "badge flagged" : "badge"}>{STATUS[r.reviewStatus ?? ""] ?? "not published"}</span>
      ),
  },
  { header: "Reviewer's reason", cell: (r) => r.reviewReason ?? "", cellAttrs: () => ({ style: { whiteSpace: "normal" }, "data-testid": "review-reason" }) },
];

export default async function MyRunsPage() {
  const { db } = await serverDeps();
  const { caller, may } = await pageCaller(db);
  if (!may("see-own-runs")) {
    return (
      <>
        <h1>Your runs</h1>
        <p>{isPublic() ? <><Link href="/signin">Sign in</Link> with your runner token to see where your runs stand in review.</> : "Contributors sign in on a public server; on the owner's dashboard every run is on the results page."}</p>
      </>
    );
  }
  const { runs } = await myRuns.run({ db }, caller, {});
  return (
    <>
      <h1>Your runs</h1>
      <form action={signOutAction} className="publish-form">
        <p className="hint">
          Signed in as {describeCaller(caller)}. A run waits for a reviewer, who publishes it (it ranks) or rejects it with a reason shown here.
        </p>
        <button type="submit">Sign out</button>
      </form>
      {runs.length === 0 ? <p>No runs yet: <Link href="/docs/measuring">how to measure and upload</Link>.</p> : <DataTable caption="Your runs, newest first" columns={COLUMNS} rows={runs} rowKey={(r) => r.submissionId} testId="my-runs" />}
    </>
  );
}
