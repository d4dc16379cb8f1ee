/**
 * The owner's home page on the first measurement of this machine: its progress while it runs (the
 * client component asks for it), then for a day what came of it: the run and its row on the
 * leaderboard, the workloads the plausibility gate kept off it, or what failed and how to measure
 * again.
 */
import Link from "next/link";
import { inProgress, rerunCommand, type FirstRunStatus } from "../lib/core/contracts/first-run";
import type { ResultRow } from "../lib/server/read/results";
import { FirstRunProgress } from "./components/first-run-progress";

/** How long after it ended the outcome stays on the home page, ms. */
const SHOWN_FOR_MS = 24 * 3600_000;

export function FirstRunNotice({ status, results, hasResults }: { status: FirstRunStatus; results: ResultRow[]; hasResults: boolean }) {
  if (inProgress(status)) return <FirstRunProgress initial={status} />;
  const ended = status.finishedAt ? Date.parse(status.finishedAt) : 0;
  // A failure stays until something is measured; an outcome for a day.
  if (!(status.state === "failed" && !hasResults) && Date.now() - ended > SHOWN_FOR_MS) return null;
  const rerun = rerunCommand(status);
  if (status.state === "failed") {
    return (
      <section className="panel first-run failed" role="alert" data-testid="first-run">
        <p>
          <strong>The first measurement of this machine failed:</strong> {status.error ?? "no reason was recorded"}.
        </p>
        <p>
          {status.submissionId
            ? "Nothing is lost: the next npm start stores it. To measure again instead:"
            : "The server runs without it. Measure this machine from a terminal:"}{" "}
          <code>{rerun}</code>
        </p>
      </section>
    );
  }
  const mine = results.filter((r) => r.submissionId === status.submissionId);
  const flagged = mine.filter((r) => r.status === "ok" && !r.plausible).map((r) => r.workloadId);
  const failed = mine.filter((r) => r.status !== "ok").map((r) => r.workloadId);
  // The default board pairs pp512 with tg128: a fresh machine's row needs both to pass the gate.
  const passed = (id: string) => mine.some((r) => r.workloadId === id && r.status === "ok" && r.plausible);
  const ranked = passed("pp512") && passed("tg128");
  return (
    <section className="panel first-run" role="status" data-testid="first-run">
      <p>
        <strong>This machine is measured</strong> ({status.model}: {status.workloads.join(", ")}).{" "}
        {status.submissionId && <Link href={`/runs/${status.submissionId}`}>The run</Link>}
        {ranked && (
          <>
            {" "}
            and <Link href="/leaderboard?private=1">its row on the leaderboard</Link> (private until you publish it: &quot;Publish this run&quot; on its page)
          </>
        )}
        .
      </p>
      {(flagged.length > 0 || failed.length > 0) && (
        <p data-testid="first-run-flagged">
          {flagged.length > 0 && `${flagged.join(", ")}: flagged by the plausibility gate (the run's page says why, e.g. a busy machine) and kept off the leaderboard. `}
          {failed.length > 0 && `${failed.join(", ")}: failed. `}
          Measure again when the machine is quiet: <code>{rerun}</code>
        </p>
      )}
    </section>
  );
}
