"use client";

/**
 * The first measurement of this machine on the owner's home page: while it runs, which workload of
 * how many, asked again every few seconds from GET /api/v1/owner/first-run (a file read on the
 * server: the machine stays quiet for the measurement); when it ends, the page renders again with
 * the run's rows. Done and failed are rendered by the page (it knows the run's verdict).
 */
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { inProgress, progressLine, type FirstRunStatus } from "../../lib/core/contracts/first-run";

/** How often the page asks while measuring, ms. */
const POLL_MS = 2000;

export function FirstRunProgress({ initial }: { initial: FirstRunStatus }) {
  const router = useRouter();
  const [status, setStatus] = useState(initial);
  const [lost, setLost] = useState(false);
  useEffect(() => {
    if (!inProgress(status)) return;
    let stopped = false;
    const timer = setInterval(async () => {
      try {
        const r = await fetch("/api/v1/owner/first-run", { cache: "no-store" });
        if (!r.ok) throw new Error(String(r.status));
        const next = ((await r.json()) as { firstRun: FirstRunStatus | null }).firstRun;
        if (stopped || !next) return;
        setLost(false);
        setStatus(next);
        // Finished: the page itself shows the outcome and the run's rows.
        if (!inProgress(next)) router.refresh();
      } catch {
        if (!stopped) setLost(true);
      }
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [status, router]);
  if (!inProgress(status)) return null;
  const started = new Date(status.startedAt);
  const line = progressLine(status);
  return (
    <section className="panel first-run" role="status" aria-live="polite" data-testid="first-run">
      <p className="first-run-line">
        <strong>{line.charAt(0).toUpperCase() + line.slice(1)}</strong>
      </p>
      <progress max={status.workloads.length} value={status.state === "storing" ? status.workloads.length : Math.max(0, status.step - 1)} aria-label="workloads measured" />
      <p className="hint">
        {status.model} ({status.workloads.join(", ")}; {status.repetitions} repetitions each, after one warm-up), started at{" "}
        {started.toISOString().slice(11, 19)} UTC. The dashboard works meanwhile; this machine&apos;s row appears here when it is done.
        {status.failed.length > 0 && ` Failed so far: ${status.failed.join(", ")}.`}
        {lost && " (The server did not answer the last check; trying again.)"}
      </p>
    </section>
  );
}
